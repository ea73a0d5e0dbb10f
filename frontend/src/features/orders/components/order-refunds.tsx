import { useTranslation } from 'react-i18next';
import type { OrderDetail } from '@/lib/api-types';
import { formatDateTime, formatPrice } from '@/lib/format';
import { toCents } from '@/lib/money';

/** What the shop gave back, line by line and why ("1 × Flat white refunded, €4.20 — out of oat milk"), and in all. */
export function OrderRefunds({ order }: { order: OrderDetail }) {
  const { t, i18n } = useTranslation();
  const refunds = order.refunds;
  if (!refunds.length && toCents(order.refunded_total) === 0) return null;
  const money = (amount: string) => formatPrice(amount, order.currency, i18n.language);
  return (
    <section aria-labelledby="order-refunds" className="flex flex-col gap-3 rounded-2xl border border-line bg-surface p-5">
      <h2 id="order-refunds" className="font-display text-xl text-ink">
        {t('refunds.heading')}
      </h2>
      <ul className="flex flex-col gap-2">
        {refunds.map((refund) => (
          <li key={refund.id} className="flex flex-col">
            <span className="text-ink">
              {refund.item_id !== null
                ? t('refunds.line', { quantity: refund.quantity, name: refund.product_name ?? t('cart.unknownProduct'), amount: money(refund.amount) })
                : t('refunds.whole', { amount: money(refund.amount) })}
              {refund.reason ? ` — ${refund.reason}` : null}
            </span>
            <span className="text-sm text-ink-muted">
              {t(`refunds.methods.${refund.method}`)} ·{' '}
              <time dateTime={refund.created_at}>{formatDateTime(refund.created_at, i18n.language)}</time>
            </span>
          </li>
        ))}
      </ul>
      <p className="flex items-baseline justify-between border-t border-line pt-3 font-semibold text-ink">
        <span>{t('refunds.total')}</span>
        <span className="tabular-nums" data-testid="refunded-total">
          {money(order.refunded_total)}
        </span>
      </p>
    </section>
  );
}
