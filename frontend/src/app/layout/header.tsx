import { useTranslation } from 'react-i18next';
import { Link, NavLink, useNavigate } from 'react-router';
import { buttonClasses } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useUser } from '@/features/auth/api/get-user';
import { useLogout } from '@/features/auth/api/logout';
import { isStaff } from '@/features/auth/roles';
import { CartBadge } from '@/features/cart/components/cart-badge';
import { useCategories } from '@/features/catalog/api/get-categories';
import { SearchBox } from '@/features/catalog/components/search-box';
import { LanguageSwitch } from './language-switch';

export function Header({ shopName }: { shopName: string | undefined }) {
  return (
    <header data-print="hide" className="border-b border-line bg-paper/95">
      <StaffBar />
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-3 px-4 py-3 sm:px-6 lg:px-8">
        <Link to={paths.home} className="flex min-h-11 items-center gap-2 font-display text-xl font-semibold text-brand-strong sm:text-2xl">
          <img src="/favicon.svg" alt="" width="32" height="32" className="size-8" />
          {shopName ?? <Skeleton className="h-6 w-28" />}
        </Link>
        <div className="order-last w-full md:order-none md:w-auto md:flex-1 md:px-6">
          <SearchBox />
        </div>
        <div className="ml-auto flex items-center gap-1 md:ml-0">
          <LanguageSwitch />
          <AccountMenu />
          <CartBadge />
        </div>
      </div>
      <CategoryMenu />
    </header>
  );
}

function AccountMenu() {
  const { t } = useTranslation();
  const user = useUser();
  const logout = useLogout();
  const navigate = useNavigate();
  if (user.isPending) return <Skeleton className="h-11 w-24 rounded-full" />;
  if (!user.data) {
    return (
      <Link to={paths.login} className={buttonClasses('secondary', 'px-4')}>
        {t('layout.signIn')}
      </Link>
    );
  }
  return (
    <div className="flex items-center gap-1">
      <Link to={paths.account} className={buttonClasses('ghost', 'max-w-40 px-2.5 sm:px-3')}>
        {/* On a phone an icon stands for the name; signing out is on the account's security page. */}
        <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 sm:hidden" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
          <circle cx="12" cy="8" r="3.5" />
          <path d="M5 20a7 7 0 0 1 14 0" />
        </svg>
        <span className="sr-only truncate sm:not-sr-only">{user.data.full_name || user.data.username}</span>
      </Link>
      <button
        type="button"
        className={buttonClasses('secondary', 'hidden px-4 sm:inline-flex')}
        disabled={logout.isPending}
        onClick={() => logout.mutate(undefined, { onSettled: () => navigate(paths.home) })}
      >
        {t('layout.signOut')}
      </button>
    </div>
  );
}

function CategoryMenu() {
  const { t } = useTranslation();
  const categories = useCategories();
  const roots = (categories.data ?? []).filter((category) => category.parent_id === null).sort((a, b) => a.name.localeCompare(b.name));
  const linkClass = ({ isActive }: { isActive: boolean }) =>
    `inline-flex min-h-11 shrink-0 items-center whitespace-nowrap rounded-full px-3 text-sm font-semibold ${isActive ? 'bg-brand-soft text-brand-strong' : 'text-ink hover:bg-surface-muted'}`;
  return (
    <nav aria-label={t('layout.mainMenu')} className="mx-auto max-w-7xl px-2 sm:px-4 lg:px-6">
      <ul className="flex min-h-13 items-center gap-1 overflow-x-auto pb-2">
        <li>
          <NavLink to={paths.catalog()} end className={linkClass}>
            {t('layout.catalog')}
          </NavLink>
        </li>
        {roots.map((category) => (
          <li key={category.id}>
            <NavLink to={paths.catalog(category.slug)} className={linkClass}>
              {category.name}
            </NavLink>
          </li>
        ))}
        {/* Pushed right, so the categories arriving after the first paint move nothing. */}
        <li className="sm:ml-auto">
          <NavLink to={paths.stores} className={linkClass}>
            {t('layout.stores')}
          </NavLink>
        </li>
        <li>
          <NavLink to={paths.about} className={linkClass}>
            {t('layout.about')}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}

/** Support staff and admins: their console and the order board, above everything else. */
function StaffBar() {
  const { t } = useTranslation();
  const user = useUser();
  if (!isStaff(user.data)) return null;
  const linkClass = ({ isActive }: { isActive: boolean }) =>
    `inline-flex min-h-11 items-center rounded-full px-3 font-semibold ${isActive ? 'bg-brand-contrast text-brand-strong' : 'text-brand-contrast hover:underline'}`;
  return (
    <nav aria-label={t('layout.staff')} className="bg-brand-strong text-sm">
      <ul className="mx-auto flex max-w-7xl flex-wrap items-center gap-1 px-2 sm:px-4 lg:px-6">
        <li>
          <NavLink to={paths.staff} end className={linkClass}>
            {t('layout.supportConsole')}
          </NavLink>
        </li>
        <li>
          <NavLink to={paths.staffOrders} className={linkClass}>
            {t('layout.orderBoard')}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
