import { describe, expect, it } from 'vitest';
import { proposedTopUp } from './top-up-amount';

describe('proposedTopUp', () => {
  it('proposes the smallest top-up the shop takes when the order needs less', () => {
    expect(proposedTopUp('3.40', '5.00')).toBe('5.00');
  });
  it('proposes what the order needs when it is at least the minimum', () => {
    expect(proposedTopUp('12.5', '5.00')).toBe('12.50');
    expect(proposedTopUp('5,00', '5.00')).toBe('5.00');
  });
  it('proposes nothing for an amount that is not one', () => {
    expect(proposedTopUp('abc', '5.00')).toBe('');
    expect(proposedTopUp('', '5.00')).toBe('');
  });
  it('keeps the amount while the limits are still loading', () => {
    expect(proposedTopUp('3.40', undefined)).toBe('3.40');
  });
});
