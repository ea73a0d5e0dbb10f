import { afterEach, describe, expect, it } from 'vitest';
import { finishAttempt, idempotencyKeyFor } from './checkout-attempt';

afterEach(() => finishAttempt());

describe('one Idempotency-Key per checkout attempt', () => {
  it('reuses the key while the order is the same (double click, retry, reload)', () => {
    const first = idempotencyKeyFor({ store_id: 1, pay_with_account_id: 4 });
    expect(first).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(idempotencyKeyFor({ store_id: 1, pay_with_account_id: 4 })).toBe(first);
    // A reload keeps it: it is in the tab's sessionStorage.
    expect(JSON.parse(sessionStorage.getItem('shop.checkout-attempt')!).key).toBe(first);
  });

  it('starts a new attempt when the store or the payment changes', () => {
    const balance = idempotencyKeyFor({ store_id: 1, pay_with_account_id: 4 });
    const pickup = idempotencyKeyFor({ store_id: 1 });
    expect(pickup).not.toBe(balance);
    expect(idempotencyKeyFor({ store_id: 2 })).not.toBe(pickup);
  });

  it('starts afresh once the order is placed', () => {
    const placed = idempotencyKeyFor({ store_id: 3 });
    finishAttempt();
    expect(idempotencyKeyFor({ store_id: 3 })).not.toBe(placed);
  });
});
