import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { paths } from '@/config/paths';
import { formatCount } from '@/lib/format';
import { useCart } from '../api/get-cart';
import { useCartOwner } from '../cart-owner';
import { useGuestCart } from '../guest-cart';

/** The header's link to the cart with the number of units in it. */
export function CartBadge() {
  const { t, i18n } = useTranslation();
  const owner = useCartOwner();
  const guest = useGuestCart();
  const cart = useCart({ enabled: owner === 'customer' });
  const count = owner === 'customer' ? (cart.data?.item_count ?? 0) : owner === 'guest' ? guest.reduce((sum, line) => sum + line.quantity, 0) : 0;
  return (
    <NavLink
      to={paths.cart}
      aria-label={t('cart.badge', { count })}
      className={({ isActive }) =>
        `relative inline-flex size-11 items-center justify-center rounded-full text-ink hover:bg-surface-muted ${isActive ? 'bg-brand-soft' : ''}`
      }
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <path d="M3 4h2l2.2 10.2a1.5 1.5 0 0 0 1.5 1.2h8.6a1.5 1.5 0 0 0 1.5-1.1L21 8H6.2" />
        <circle cx="9.5" cy="19.5" r="1.3" />
        <circle cx="17" cy="19.5" r="1.3" />
      </svg>
      {count > 0 ? (
        <span aria-hidden="true" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-brand px-1 text-center text-xs font-bold leading-5 text-brand-contrast">
          {count > 99 ? '99+' : formatCount(count, i18n.language)}
        </span>
      ) : null}
    </NavLink>
  );
}
