import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { paths } from '@/config/paths';

/** The account's sections; scrolls sideways on a narrow phone rather than widening the page. */
export function AccountNav() {
  const { t } = useTranslation();
  const links = [
    { to: paths.account, label: t('account.money'), end: true },
    { to: paths.orders, label: t('account.orders'), end: false },
    { to: paths.accountProfile, label: t('account.details'), end: true },
    { to: paths.accountSecurity, label: t('account.security'), end: true },
  ];
  return (
    <nav aria-label={t('account.nav')}>
      <ul className="-mx-1 flex gap-1 overflow-x-auto pb-1">
        {links.map((link) => (
          <li key={link.to} className="shrink-0">
            <NavLink
              to={link.to}
              end={link.end}
              className={({ isActive }) =>
                `inline-flex min-h-11 items-center whitespace-nowrap rounded-full px-4 text-sm font-semibold ${isActive ? 'bg-brand text-brand-contrast' : 'text-ink hover:bg-surface-muted'}`
              }
            >
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
