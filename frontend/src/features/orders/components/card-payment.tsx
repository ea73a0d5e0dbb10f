import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { OrderDetail } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { problemMessage } from '@/lib/problem-message';
import { orderQueryOptions } from '../api/get-order';
import { useStartPayment } from '../api/start-payment';
import { formatCountdown, minutesToAnnounce, timeLeft } from '../hold-countdown';

/** The clock, ticking once a second while `running`. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/** Awaiting a card payment: nothing was charged yet and the order stays payable until its hold ends. */
export function awaitingCard(order: OrderDetail): boolean {
  return order.payment_method === 'card' && order.status === 'pending';
}

/** The hold ended before any payment: the shop's job cancelled the order (no one did by hand). */
export function holdEnded(order: OrderDetail): boolean {
  if (order.payment_method !== 'card' || order.status !== 'cancelled' || order.payment !== 'unpaid') return false;
  const last = [...order.history].sort((a, b) => a.changed_at.localeCompare(b.changed_at)).at(-1);
  return last?.to_status === 'cancelled' && last.changed_by_id === null;
}

/**
 * A card order's payment: the time left to pay (the stock is held until then), "Pay now" or,
 * after a declined attempt, "try again"; after the provider's return, that the payment is being
 * confirmed; once the hold ended, that nothing was charged.
 */
export function CardPayment({ order, returned }: { order: OrderDetail; returned: boolean }) {
  const { t, i18n } = useTranslation();
  const waiting = awaitingCard(order) && Boolean(order.hold_expires_at);
  const now = useNow(waiting);
  const start = useStartPayment();
  const queryClient = useQueryClient();
  const ended = waiting && order.hold_expires_at !== null && timeLeft(order.hold_expires_at, now) === 0;
  useEffect(() => {
    // The hold has just ended here: read the order again (and every 2 s while it still awaits
    // payment, see the order page) until the shop's job has released it.
    if (ended) void queryClient.invalidateQueries({ queryKey: orderQueryOptions(order.id).queryKey });
  }, [ended, order.id, queryClient]);
  if (order.payment_method !== 'card') return null;
  const total = formatPrice(order.total, order.currency, i18n.language);

  if (holdEnded(order)) {
    return (
      <Alert tone="info" title={t('payment.expiredTitle')}>
        {t('payment.expiredBody')}
      </Alert>
    );
  }
  if (order.status !== 'pending') {
    return order.payment === 'card' ? <Alert tone="success">{t('payment.paidByCard', { total })}</Alert> : null;
  }
  if (!order.hold_expires_at) return null;

  const left = timeLeft(order.hold_expires_at, now);
  const minutes = minutesToAnnounce(left);
  const confirming = returned && Boolean(order.pay_url);
  const pay = () => (order.pay_url ? window.location.assign(order.pay_url) : start.mutate(order.id));
  return (
    <section aria-labelledby="card-payment" className="flex flex-col gap-3 rounded-2xl border border-accent/40 bg-accent-soft p-5">
      <h2 id="card-payment" className="font-display text-xl text-ink">
        {t('payment.awaitingTitle')}
      </h2>
      {left > 0 ? (
        <p className="text-ink">
          {t('payment.heldFor')}{' '}
          <strong className="font-display text-2xl tabular-nums" aria-hidden="true" data-testid="hold-countdown">
            {formatCountdown(left)}
          </strong>
          <span className="sr-only" aria-live="polite">
            {t('payment.minutesLeft', { count: minutes })}
          </span>
        </p>
      ) : (
        <p className="text-ink" role="status">
          {t('payment.holdEnding')}
        </p>
      )}
      {confirming ? (
        <p role="status" className="text-ink">
          {t('payment.confirming')}
        </p>
      ) : !order.pay_url && left > 0 ? (
        <Alert tone="error">{t('payment.failed')}</Alert>
      ) : null}
      {start.error ? <Alert tone="error">{problemMessage(t, start.error)}</Alert> : null}
      {left > 0 ? (
        <div className="flex flex-wrap gap-3">
          <Button pending={start.isPending || start.isSuccess} onClick={pay} variant={confirming ? 'secondary' : 'primary'}>
            {order.pay_url ? t('payment.payNow', { total }) : t('payment.tryAgain', { total })}
          </Button>
        </div>
      ) : null}
      <p className="text-sm text-ink-muted">{t('payment.nothingCharged')}</p>
    </section>
  );
}
