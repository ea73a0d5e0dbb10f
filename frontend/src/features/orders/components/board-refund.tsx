import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useRefundLine } from '../api/refund-line';
import { lineLabel } from '../line-options';
import { refundAttemptFor, type RefundAttempt } from '../refund-attempt';
import type { OrderDetail, OrderSummary } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { fromCents, toCents } from '@/lib/money';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';

/** Orders whose lines can still be refunded: paid and not cancelled (as the API's REFUNDABLE). */
const REFUNDABLE = new Set<OrderSummary['status']>(['paid', 'preparing', 'ready', 'completed']);

export function refundableLines(order: OrderSummary) {
  if (!REFUNDABLE.has(order.status)) return [];
  return order.items.filter((line) => line.refunded_quantity < line.quantity);
}

/**
 * "Refund a line…" on a board card (admins): the line, the units and the reason, with what
 * happens to the money said before it happens. One Idempotency-Key per attempt.
 */
export function BoardRefund({ order, onRefunded }: { order: OrderSummary; onRefunded: (order: OrderDetail) => void }) {
  const { t, i18n } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const attempt = useRef<RefundAttempt>(null);
  const refund = useRefundLine();
  const ids = useId();
  const lines = refundableLines(order);
  const [itemId, setItemId] = useState<number | null>(null);
  const [units, setUnits] = useState('1');
  const [reason, setReason] = useState('');
  if (lines.length === 0) return null;

  const line = lines.find((candidate) => candidate.id === itemId) ?? lines[0]!;
  const left = line.quantity - line.refunded_quantity;
  const quantity = Math.min(Math.max(Math.trunc(Number(units)) || 1, 1), left);
  const amount = formatPrice(fromCents(toCents(line.unit_price) * quantity), order.currency, i18n.language);
  const where = order.payment === 'card' ? 'toCard' : order.payment === 'account' ? 'toBalance' : 'atCounter';

  const open = () => {
    attempt.current = null;
    refund.reset();
    setItemId(lines[0]!.id);
    setUnits('1');
    setReason('');
    dialog.current?.showModal();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = { item_id: line.id, quantity, reason: reason.trim() };
    attempt.current = refundAttemptFor(attempt.current, body);
    refund.mutate(
      { orderId: order.id, body, idempotencyKey: attempt.current.key },
      {
        onSuccess: (refunded) => {
          attempt.current = null;
          dialog.current?.close();
          onRefunded(refunded);
          notify({ tone: 'success', text: t('staff.refund.done', { quantity, name: lineLabel(line), number: order.number }) });
        },
      },
    );
  };

  return (
    <>
      <Button variant="secondary" aria-label={t('staff.refund.openFor', { number: order.number })} onClick={open}>
        {t('staff.refund.open')}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={`${ids}-title`}
        className="m-auto w-full max-w-md rounded-2xl border border-line bg-surface p-6 text-ink shadow-lg backdrop:bg-ink/40"
      >
        <form className="flex flex-col gap-4" onSubmit={submit}>
          <h2 id={`${ids}-title`} className="font-display text-2xl">
            {t('staff.refund.title', { number: order.number })}
          </h2>
          <div className="flex flex-col gap-1.5">
            <label htmlFor={`${ids}-line`} className="text-sm font-medium text-ink">
              {t('staff.refund.line')}
            </label>
            <select
              id={`${ids}-line`}
              value={line.id}
              onChange={(event) => {
                setItemId(Number(event.target.value));
                setUnits('1');
              }}
              className="min-h-11 rounded-lg border border-line-strong bg-surface px-3 text-ink"
            >
              {lines.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {t('staff.refund.lineOption', {
                    quantity: candidate.quantity,
                    name: lineLabel(candidate),
                    left: candidate.quantity - candidate.refunded_quantity,
                  })}
                </option>
              ))}
            </select>
          </div>
          <Field
            label={t('staff.refund.units')}
            type="number"
            inputMode="numeric"
            min={1}
            max={left}
            step={1}
            required
            value={units}
            onChange={(event) => setUnits(event.target.value)}
          />
          <Field
            label={t('staff.refund.reason')}
            hint={t('staff.refund.reasonHint')}
            required
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <ul className="flex list-disc flex-col gap-1 pl-5 text-ink-muted">
            <li>{t(`staff.refund.${where}`, { amount })}</li>
            <li>{t('staff.refund.stock')}</li>
          </ul>
          {refund.error ? (
            <Alert tone="error" title={t('staff.refund.failed')}>
              {problemMessage(t, refund.error)}
            </Alert>
          ) : null}
          <div className="flex flex-wrap justify-end gap-3">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              {t('staff.refund.keep')}
            </Button>
            <Button type="submit" variant="danger" pending={refund.isPending}>
              {t('staff.refund.confirm', { amount })}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
