import { Suspense, lazy, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useUser } from '@/features/auth/api/get-user';
import { isStaff } from '@/features/auth/roles';
import { useAccounts } from '@/features/money/api/get-accounts';
import { useTransactions } from '@/features/money/api/get-transactions';
import { useCancelOrder } from '@/features/orders/api/cancel-order';
import { useOrder } from '@/features/orders/api/get-order';
import { usePayOrder } from '@/features/orders/api/pay-order';
import { awaitingCard, CardPayment } from '@/features/orders/components/card-payment';
import { OrderLines } from '@/features/orders/components/order-lines';
import { OrderRefunds } from '@/features/orders/components/order-refunds';
import { OrderStatusBadge } from '@/features/orders/components/order-status';
import { StatusTimeline } from '@/features/orders/components/status-timeline';
import { useStore } from '@/features/stores/api/get-store';
import { OpenStatus } from '@/features/stores/components/open-status';
import { OpeningHours } from '@/features/stores/components/opening-hours';
import { openChat } from '@/features/support/chat-store';
import type { OrderDetail } from '@/lib/api-types';
import { formatDateTime, formatPrice } from '@/lib/format';
import { loadTexts } from '@/lib/i18n';
import { fromCents, toCents } from '@/lib/money';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';
import { RequireOrderAccess, useGuestOrderKey } from './order-access';

// A guest's live socket, the chat panel and their texts (a signed-in tab has LiveRoot).
const GuestLive = lazy(async () => {
  const [module] = await Promise.all([import('../../live/guest-live'), loadTexts('live')]);
  return { default: module.GuestLive };
});

export function Component() {
  return (
    <RequireOrderAccess>
      <OrderPage />
    </RequireOrderAccess>
  );
}

// While a card payment is being confirmed (back from the provider) or the hold is ending, the
// order is read again this often, beside the live events (which may not reach every browser).
const CONFIRM_POLL_MS = 2000;

export function OrderNotFound() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('orders.notFound')} />
      <h1 className="sr-only">{t('orders.notFound')}</h1>
      <EmptyState
        title={t('orders.notFound')}
        action={
          <Link to={paths.orders} className={buttonClasses()}>
            {t('orders.all')}
          </Link>
        }
      >
        {t('orders.notFoundBody')}
      </EmptyState>
    </>
  );
}

/** An order (the link in our mails): lines, totals, the store and its hours, the history, cancel while allowed. */
function OrderPage() {
  const { t, i18n } = useTranslation();
  const orderId = Number(useParams().orderId);
  const [search] = useSearchParams();
  const returned = search.get('payment') === 'return';
  const guestKey = useGuestOrderKey();
  const order = useOrder(orderId, {
    refetchInterval: (data) =>
      data && awaitingCard(data) && (returned || !data.hold_expires_at || Date.parse(data.hold_expires_at) <= Date.now()) ? CONFIRM_POLL_MS : false,
  });
  const store = useStore(order.data?.store.id ?? 0, { enabled: Boolean(order.data) });

  if (!Number.isSafeInteger(orderId) || orderId < 1) return <OrderNotFound />;
  if (order.isPending) {
    return (
      <div className="flex flex-col gap-4">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-10 w-1/2" />
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
          <Skeleton className="h-64" />
          <Skeleton className="h-64" />
        </div>
      </div>
    );
  }
  if (order.isError) {
    if (order.error.status === 404) return <OrderNotFound />;
    return <ErrorState error={order.error} onRetry={() => void order.refetch()} />;
  }
  const detail = order.data;
  const title = t('orders.number', { number: detail.number });
  return (
    <>
      <Seo title={title} description={t('orders.pickupAt', { store: detail.store.name })} />
      {guestKey ? null : (
        <nav aria-label={t('catalog.breadcrumbs')} className="mb-3 text-sm text-ink-muted">
          <Link to={paths.orders} className="hover:underline">
            ← {t('orders.all')}
          </Link>
        </nav>
      )}
      <div className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-display text-3xl text-ink sm:text-4xl">{title}</h1>
          <OrderStatusBadge status={detail.status} />
        </div>
        <p className="text-ink-muted">{t('orders.placedOn', { date: formatDateTime(detail.created_at, i18n.language) })}</p>
        <LiveHelp order={detail} guest={Boolean(guestKey)} />
        {guestKey ? (
          <Suspense fallback={null}>
            <GuestLive orderId={detail.id} orderKey={guestKey} />
          </Suspense>
        ) : null}
      </div>
      <div className="mt-6 flex flex-col gap-4">
        <CardPayment order={detail} returned={returned} />
        {guestKey && detail.guest ? <CreateAccount email={detail.guest.email} /> : null}
      </div>

      <div className="mt-8 grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col gap-8">
          <section aria-labelledby="order-lines" className="rounded-2xl border border-line bg-surface p-5">
            <h2 id="order-lines" className="mb-2 font-display text-xl text-ink">
              {t('orders.lines')}
            </h2>
            <OrderLines order={detail} />
          </section>
          <OrderRefunds order={detail} />
          <OrderActions order={detail} signedIn={!guestKey} />
          <section aria-labelledby="order-store" className="grid gap-6 rounded-2xl border border-line bg-surface p-5 sm:grid-cols-2">
            <div className="flex flex-col gap-2">
              <h2 id="order-store" className="font-display text-xl text-ink">
                {t('orders.store')}
              </h2>
              <p className="font-semibold text-ink">
                <Link to={paths.store(detail.store.id)} className="hover:underline">
                  {detail.store.name}
                </Link>
              </p>
              <address className="not-italic text-ink-muted">{detail.store.address}</address>
              {store.data ? <OpenStatus store={store.data} compact /> : null}
            </div>
            {store.data ? <OpeningHours store={store.data} /> : store.isPending ? <Skeleton className="h-48" /> : null}
          </section>
        </div>
        <section aria-labelledby="order-history" className="rounded-2xl border border-line bg-surface p-5">
          <h2 id="order-history" className="mb-4 font-display text-xl text-ink">
            {t('orders.timeline')}
          </h2>
          <StatusTimeline history={detail.history} />
        </section>
      </div>
    </>
  );
}

/** Pay a pickup order from the balance after all, or cancel while it is allowed (saying what is refunded). */
function OrderActions({ order, signedIn }: { order: OrderDetail; signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useCancelOrder();
  const pay = usePayOrder();
  const accounts = useAccounts({ enabled: signedIn && order.payment_method !== 'card' && (order.status === 'pending' || order.status === 'paid') });
  const account = accounts.data?.[0];
  // Paid from the balance is refunded there; paid at the counter is the store's to refund.
  const payments = useTransactions(order.status === 'paid' ? account?.id : undefined, { order_id: order.id, kind: 'payment' });
  const cancellable = order.status === 'pending' || order.status === 'paid';
  if (!cancellable) return null;

  const money = (amount: string) => formatPrice(amount, order.currency, i18n.language);
  const paidFromBalance = payments.data?.items[0];
  const refund =
    order.status === 'pending'
      ? t('orders.cancelNothing')
      : order.payment === 'card'
        ? t('orders.cancelRefundCard', { amount: money(fromCents(toCents(order.total) - toCents(order.refunded_total))) })
        : paidFromBalance
        ? t('orders.cancelRefund', { amount: money(String(Math.abs(Number(paidFromBalance.amount)))) })
        : payments.isPending
          ? t('states.loading')
          : t('orders.cancelCounter');
  const canPay = order.status === 'pending' && order.payment_method !== 'card' && account && toCents(account.balance) >= toCents(order.total);

  const confirmCancel = () =>
    cancel.mutate(order.id, {
      onSuccess: (cancelled) => {
        dialog.current?.close();
        notify({ tone: 'success', text: t('orders.cancelled', { number: cancelled.number }) });
      },
    });
  return (
    <section className="flex flex-col gap-3">
      {pay.error ? <Alert tone="error">{problemMessage(t, pay.error)}</Alert> : null}
      <div className="flex flex-wrap gap-3">
        {canPay ? (
          <Button
            pending={pay.isPending}
            onClick={() =>
              pay.mutate(
                { orderId: order.id, accountId: account.id },
                { onSuccess: (paid) => notify({ tone: 'success', text: t('orders.paid', { number: paid.number }) }) },
              )
            }
          >
            {t('orders.payNow', { total: money(order.total) })}
          </Button>
        ) : null}
        <Button variant="secondary" onClick={() => dialog.current?.showModal()}>
          {t('orders.cancel')}
        </Button>
      </div>
      {canPay ? <p className="text-sm text-ink-muted">{t('orders.payNowHint', { balance: money(account.balance) })}</p> : null}
      <dialog
        ref={dialog}
        aria-labelledby="cancel-title"
        className="m-auto max-w-md rounded-2xl border border-line bg-surface p-6 text-ink shadow-lg backdrop:bg-ink/40"
        onClose={() => cancel.reset()}
      >
        <h2 id="cancel-title" className="font-display text-2xl">
          {t('orders.cancelTitle', { number: order.number })}
        </h2>
        <ul className="mt-3 flex list-disc flex-col gap-1 pl-5 text-ink-muted">
          <li>{refund}</li>
          <li>{t('orders.cancelStock')}</li>
        </ul>
        {cancel.error ? (
          <div className="mt-3">
            <Alert tone="error">{problemMessage(t, cancel.error)}</Alert>
          </div>
        ) : null}
        <div className="mt-6 flex flex-wrap justify-end gap-3">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            {t('orders.keep')}
          </Button>
          <Button variant="danger" pending={cancel.isPending} onClick={confirmCancel}>
            {t('orders.confirmCancel')}
          </Button>
        </div>
      </dialog>
    </section>
  );
}

/**
 * "Ask about this order" opens the chat about it (a guest's too, over the socket their key opens);
 * a browser notification when it is ready, if allowed (signed in: LiveRoot sends it).
 */
function LiveHelp({ order, guest }: { order: OrderDetail; guest: boolean }) {
  const { t } = useTranslation();
  const user = useUser();
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'denied' : Notification.permission));
  const waiting = !guest && (order.status === 'pending' || order.status === 'paid' || order.status === 'preparing');
  if (isStaff(user.data)) return null;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={() => openChat({ id: order.id, number: order.number })}>
        {t('orders.askAbout')}
      </Button>
      {waiting && permission === 'default' ? (
        <Button variant="ghost" onClick={() => void Notification.requestPermission().then(setPermission)}>
          {t('orders.notifyMe')}
        </Button>
      ) : null}
      {waiting && permission === 'granted' ? <p className="text-sm text-ink-muted">{t('orders.notifyOn')}</p> : null}
    </div>
  );
}

/** A guest's order: an account keeps this order and the next ones (the same e-mail brings them in). */
function CreateAccount({ email }: { email: string }) {
  const { t } = useTranslation();
  const query = new URLSearchParams({ email, next: paths.orders });
  return (
    <section aria-labelledby="create-account" className="flex flex-col gap-2 rounded-2xl border border-line bg-surface p-5">
      <h2 id="create-account" className="font-display text-xl text-ink">
        {t('orders.guestAccountTitle')}
      </h2>
      <p className="text-ink-muted">{t('orders.guestAccountBody', { email })}</p>
      <Link to={`${paths.register}?${query}`} className={buttonClasses('secondary', 'w-fit')}>
        {t('orders.guestAccountAction')}
      </Link>
    </section>
  );
}
