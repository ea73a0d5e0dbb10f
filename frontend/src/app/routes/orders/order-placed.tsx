import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useOrder } from '@/features/orders/api/get-order';
import { useStore } from '@/features/stores/api/get-store';
import { OpenStatus } from '@/features/stores/components/open-status';
import { OpeningHours } from '@/features/stores/components/opening-hours';
import { formatPrice } from '@/lib/format';
import { OrderNotFound } from './order';
import { RequireOrderAccess } from './order-access';

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('orders.placedTitle')} />
      <RequireOrderAccess>
        <Placed />
      </RequireOrderAccess>
    </>
  );
}

/** The confirmation after checkout: the number, where and when to collect, what happens next. */
function Placed() {
  const { t, i18n } = useTranslation();
  const orderId = Number(useParams().orderId);
  const order = useOrder(orderId);
  const store = useStore(order.data?.store.id ?? 0, { enabled: Boolean(order.data) });
  if (order.isPending) {
    return (
      <div className="mx-auto flex max-w-3xl flex-col gap-4">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-10 w-2/3" />
        <Skeleton className="h-40" />
      </div>
    );
  }
  if (order.isError) {
    if (order.error.status === 404 || order.error.status === 422) return <OrderNotFound />;
    return <ErrorState error={order.error} onRetry={() => void order.refetch()} />;
  }
  const placed = order.data;
  const paid = placed.status !== 'pending';
  const total = formatPrice(placed.total, placed.currency, i18n.language);
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-8">
      <div className="flex flex-col gap-3 rounded-[var(--radius-card)] border border-success/40 bg-success-soft p-6">
        <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('orders.placedTitle')}</h1>
        <p className="text-ink">
          {t('orders.placedNumber')}: <strong className="font-display text-2xl tabular-nums">{placed.number}</strong>
        </p>
        <p className="text-ink-muted">
          {paid ? t('orders.paidFromBalance') : t('orders.payAtCounter', { total })} {t('orders.mailSent')}
        </p>
      </div>

      <section aria-labelledby="placed-next" className="flex flex-col gap-3">
        <h2 id="placed-next" className="font-display text-2xl text-ink">
          {t('orders.nextHeading')}
        </h2>
        <ol className="flex list-decimal flex-col gap-2 pl-6 text-ink">
          <li>{t('orders.nextPrepare', { store: placed.store.name })}</li>
          <li>{t('orders.nextMail')}</li>
          <li>{t('orders.nextCollect')}</li>
          {!paid ? <li>{t('orders.nextPay')}</li> : null}
        </ol>
      </section>

      <section aria-labelledby="placed-store" className="grid gap-6 rounded-2xl border border-line bg-surface p-5 sm:grid-cols-2">
        <div className="flex flex-col gap-2">
          <h2 id="placed-store" className="font-display text-xl text-ink">
            {placed.store.name}
          </h2>
          <address className="not-italic text-ink-muted">{placed.store.address}</address>
          {store.data ? (
            <>
              <OpenStatus store={store.data} compact />
              {store.data.phone ? <p className="text-sm text-ink-muted">{t('orders.askInStore', { phone: store.data.phone })}</p> : null}
            </>
          ) : null}
        </div>
        {store.data ? <OpeningHours store={store.data} /> : store.isPending ? <Skeleton className="h-48" /> : null}
      </section>

      <div className="flex flex-wrap gap-3">
        <Link to={paths.order(placed.id)} className={buttonClasses()}>
          {t('orders.viewOrder')}
        </Link>
        <Link to={paths.catalog()} className={buttonClasses('secondary')}>
          {t('orders.keepShopping')}
        </Link>
      </div>
    </div>
  );
}
