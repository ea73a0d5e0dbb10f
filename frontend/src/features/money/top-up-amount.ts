import { fromCents, toCents } from '@/lib/money';

const AMOUNT = /^\d{1,9}([.,]\d{1,2})?$/;

/**
 * What to propose for an amount the customer needs (checkout's shortfall): that amount, or the
 * smallest top-up the shop takes when it needs less, so the proposal is always one it accepts.
 */
export function proposedTopUp(needed: string, minimum: string | undefined): string {
  if (!AMOUNT.test(needed)) return '';
  const cents = toCents(needed.replace(',', '.'));
  return fromCents(minimum ? Math.max(cents, toCents(minimum)) : cents);
}
