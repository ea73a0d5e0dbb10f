import { describe, expect, it } from 'vitest';
import { refundAttemptFor } from './refund-attempt';

describe('refundAttemptFor', () => {
  it('sends the same refund again with the same key', () => {
    const first = refundAttemptFor(null, { item_id: 1, quantity: 1, reason: 'out of oat milk' });
    const again = refundAttemptFor(first, { item_id: 1, quantity: 1, reason: 'out of oat milk' });
    expect(again.key).toBe(first.key);
  });

  it('gives another refund (line, units or reason) a new key', () => {
    const first = refundAttemptFor(null, { item_id: 1, quantity: 1, reason: 'out of oat milk' });
    expect(refundAttemptFor(first, { item_id: 1, quantity: 2, reason: 'out of oat milk' }).key).not.toBe(first.key);
    expect(refundAttemptFor(first, { item_id: 2, quantity: 1, reason: 'out of oat milk' }).key).not.toBe(first.key);
    expect(refundAttemptFor(first, { item_id: 1, quantity: 1, reason: 'spilled' }).key).not.toBe(first.key);
  });
});
