/**
 * One Idempotency-Key per refund attempt on the board: the same refund sent again (a double
 * click, a retry after a lost answer) carries the same key, so the server refunds once and
 * answers the first refund; another line, quantity or reason is another attempt with a new
 * key (the server refuses a key reused for another refund). A new dialog starts afresh.
 */
export type RefundAttempt = { key: string; body: string } | null;

function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The attempt for `body`: the current one while the refund is the same, else a new one. */
export function refundAttemptFor(current: RefundAttempt, body: object): { key: string; body: string } {
  const serialized = JSON.stringify(body);
  if (current?.body === serialized) return current;
  return { key: newKey(), body: serialized };
}
