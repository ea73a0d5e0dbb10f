import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { Pagination } from '@/components/ui/pagination';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { RequireAuth } from '@/features/auth/components/require-auth';
import { useOrders } from '@/features/orders/api/get-orders';
import { OrderStatusBadge } from '@/features/orders/components/order-status';
import type { OrderStatus } from '@/lib/api-types';
import { formatDate, formatPrice } from '@/lib/format';
import { AccountNav } from '../account/account-nav';

const STATUSES: OrderStatus[] = ['pending', 'paid', 'preparing', 'ready', 'completed', 'cancelled'];

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('orders.title')} description={t('orders.description')} />
      <RequireAuth>
        <Orders />
      </RequireAuth>
    </>
  );
}

/** The order history: status filter and page in the URL (shareable, back/forward, reload). */
function Orders() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status') ?? '';
  const status = STATUSES.includes(statusParam as OrderStatus) ? statusParam : '';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= 10_000 ? pageParam : 1;
  const orders = useOrders({ page, ...(status ? { status } : {}) });

  const hrefFor = (next: { page?: number; status?: string }) => {
    const query = new URLSearchParams();
    const nextStatus = next.status ?? status;
    if (nextStatus) query.set('status', nextStatus);
    if ((next.page ?? 1) > 1) query.set('page', String(next.page));
    const search = query.toString();
    return search ? `${paths.orders}?${search}` : paths.orders;
  };

  return (
    <div className="flex flex-col gap-6">
      <AccountNav />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('orders.title')}</h1>
        <div className="flex flex-col gap-1">
          <label htmlFor="orders-status" className="text-sm font-medium text-ink">
            {t('orders.status')}
          </label>
          <select
            id="orders-status"
            value={status}
            onChange={(event) => {
              const next = new URLSearchParams();
              if (event.target.value) next.set('status', event.target.value);
              setParams(next);
            }}
            className="min-h-11 rounded-lg border border-line-strong bg-surface px-3 text-ink"
          >
            <option value="">{t('orders.allStatuses')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`orders.statuses.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {orders.isPending ? (
        <div className="flex flex-col gap-3">
          <LoadingStatus label={t('states.loading')} />
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
        </div>
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <EmptyState
          title={status ? t('orders.emptyFiltered') : t('orders.empty')}
          action={
            status ? (
              <Link to={paths.orders} className={buttonClasses('secondary')}>
                {t('orders.allStatuses')}
              </Link>
            ) : (
              <Link to={paths.catalog()} className={buttonClasses()}>
                {t('home.browse')}
              </Link>
            )
          }
        >
          {status ? null : t('orders.emptyBody')}
        </EmptyState>
      ) : (
        <div className={orders.isPlaceholderData ? 'opacity-60 transition-opacity' : ''} aria-busy={orders.isPlaceholderData}>
          <ul aria-label={t('orders.title')} className="flex flex-col gap-3">
            {orders.data.items.map((order) => (
              <li key={order.id}>
                <article className="relative flex flex-col gap-2 rounded-2xl border border-line bg-surface p-4 hover:border-line-strong sm:flex-row sm:items-center sm:justify-between">
                  <div className="flex min-w-0 flex-col gap-1">
                    <h2 className="font-display text-lg text-ink">
                      <Link to={paths.order(order.id)} className="after:absolute after:inset-0 hover:underline">
                        {t('orders.number', { number: order.number })}
                      </Link>
                    </h2>
                    <p className="text-sm text-ink-muted">
                      {t('orders.placedOn', { date: formatDate(order.created_at, i18n.language) })} · {t('orders.pickupAt', { store: order.store.name })} ·{' '}
                      {t('orders.items', { count: order.items.reduce((sum, line) => sum + line.quantity, 0) })}
                    </p>
                  </div>
                  <div className="flex items-center gap-3 sm:flex-col sm:items-end">
                    <OrderStatusBadge status={order.status} />
                    <span className="font-semibold tabular-nums text-ink">{formatPrice(order.total, order.currency, i18n.language)}</span>
                  </div>
                </article>
              </li>
            ))}
          </ul>
          <Pagination page={orders.data.page} pages={orders.data.pages} hrefFor={(next) => hrefFor({ page: next })} />
        </div>
      )}
    </div>
  );
}
