import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ProductPlaceholder } from '@/components/product-placeholder';
import { paths } from '@/config/paths';
import { formatPrice } from '@/lib/format';
import { MAX_QUANTITY } from '../guest-cart';
import type { CartViewLine } from '../use-cart-view';
import { QuantityInput } from './quantity-input';

type CartLinesProps = {
  lines: CartViewLine[];
  currency: string;
  onQuantity: (line: CartViewLine, quantity: number) => void;
  onRemove: (line: CartViewLine) => void;
  /** A line's "Change" of its options (the cart page's), shown under its options. */
  change?: (line: CartViewLine) => ReactNode;
};

/** The cart's lines: picture, name, price, quantity, line total; a line that cannot be ordered says why. */
export function CartLines({ lines, currency, onQuantity, onRemove, change }: CartLinesProps) {
  const { t, i18n } = useTranslation();
  const money = (amount: string) => formatPrice(amount, currency, i18n.language);
  return (
    <ul aria-label={t('cart.lines')} className="flex flex-col divide-y divide-line rounded-2xl border border-line bg-surface">
      {lines.map((line) => (
        <li key={line.key} className={`flex gap-4 p-4 ${line.available ? '' : 'bg-surface-muted'}`}>
          {line.imageUrl ? (
            <div className="h-20 w-16 shrink-0 overflow-hidden rounded-lg bg-surface-sunken">
              <img src={line.imageUrl} alt="" width={64} height={80} loading="lazy" className="size-full object-cover" />
            </div>
          ) : (
            <ProductPlaceholder product={{ id: line.productId ?? 0, name: line.name || t('cart.unknownProduct') }} size="small" className="h-20 w-16 shrink-0 rounded-lg" />
          )}
          <div className="flex min-w-0 flex-1 flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
            <div className="flex min-w-0 flex-col gap-1">
              <h2 className="font-display text-lg leading-snug text-ink">
                {line.slug && line.available ? (
                  <Link to={paths.product(line.slug)} className="hover:underline">
                    {line.name}
                  </Link>
                ) : (
                  line.name || t('cart.unknownProduct')
                )}
              </h2>
              {line.options ? <p className="text-sm font-medium text-ink">{line.options}</p> : null}
              {line.available && line.unitPrice !== null ? (
                <p className="text-sm text-ink-muted">{t('cart.each', { price: money(line.unitPrice) })}</p>
              ) : (
                <p className="text-sm font-semibold text-danger">{t(`cart.unavailable.${line.reason ?? 'inactive'}`)}</p>
              )}
              <div className="mt-1 flex flex-wrap items-end gap-3">
                {line.available ? (
                  <QuantityInput hideLabel label={t('cart.quantityOf', { name: line.name })} value={line.quantity} max={MAX_QUANTITY} onChange={(quantity) => onQuantity(line, quantity)} />
                ) : (
                  <p className="text-sm text-ink-muted">{t('cart.quantityShort', { count: line.quantity })}</p>
                )}
                {change?.(line)}
                <button
                  type="button"
                  onClick={() => onRemove(line)}
                  aria-label={t('cart.removeNamed', { name: line.name || t('cart.unknownProduct') })}
                  className="inline-flex min-h-11 items-center rounded-full px-3 text-sm font-semibold text-ink-muted underline-offset-4 hover:bg-surface-muted hover:text-ink hover:underline"
                >
                  {t('cart.remove')}
                </button>
              </div>
            </div>
            <p className="shrink-0 font-semibold tabular-nums text-ink sm:text-right">{line.lineTotal !== null && line.available ? money(line.lineTotal) : '—'}</p>
          </div>
        </li>
      ))}
    </ul>
  );
}
