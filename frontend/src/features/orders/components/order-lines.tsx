import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import type { OrderDetail } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { lineModifiersPriced, lineTitle } from '../line-options';

/** An order's lines at the prices they were ordered at (each with its variant and modifiers as bought), and the total. */
export function OrderLines({ order }: { order: Pick<OrderDetail, 'items' | 'total' | 'currency'> }) {
  const { t, i18n } = useTranslation();
  const money = (amount: string) => formatPrice(amount, order.currency, i18n.language);
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{t('orders.lines')}</caption>
      <thead className="text-ink-muted">
        <tr className="border-b border-line">
          <th scope="col" className="py-2 pr-3 font-medium">
            {t('orders.product')}
          </th>
          <th scope="col" className="py-2 pr-3 text-right font-medium">
            {t('orders.quantity')}
          </th>
          <th scope="col" className="hidden py-2 pr-3 text-right font-medium sm:table-cell">
            {t('orders.price')}
          </th>
          <th scope="col" className="py-2 text-right font-medium">
            {t('orders.lineTotal')}
          </th>
        </tr>
      </thead>
      <tbody>
        {order.items.map((line) => (
          <tr key={line.id} className="border-b border-line align-top">
            <th scope="row" className="py-3 pr-3 font-normal text-ink">
              {line.product_id ? (
                <Link to={paths.product(String(line.product_id))} className="hover:underline">
                  {lineTitle(line)}
                </Link>
              ) : (
                lineTitle(line)
              )}
              {line.modifiers.length ? (
                <span className="block text-sm text-ink-muted">
                  <span className="sr-only">{t('orders.options')}: </span>
                  {lineModifiersPriced(line, order.currency, i18n.language)}
                </span>
              ) : null}
              {line.refunded_quantity ? <span className="block text-sm text-ink-muted">{t('refunds.lineNote', { count: line.refunded_quantity })}</span> : null}
            </th>
            <td className="py-3 pr-3 text-right tabular-nums">{line.quantity}</td>
            <td className="hidden py-3 pr-3 text-right tabular-nums sm:table-cell">{money(line.unit_price)}</td>
            <td className="py-3 text-right tabular-nums">{money(line.line_total)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2} className="pt-3 text-base font-semibold text-ink sm:hidden">
            {t('orders.total')}
          </th>
          <th scope="row" colSpan={3} className="hidden pt-3 text-base font-semibold text-ink sm:table-cell">
            {t('orders.total')}
          </th>
          <td className="pt-3 text-right text-base font-semibold tabular-nums text-ink">{money(order.total)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
