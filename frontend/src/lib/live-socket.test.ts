import { describe, expect, it } from 'vitest';
import { backoffDelay } from './live-socket';

describe('backoffDelay', () => {
  it('grows with each attempt up to a ceiling, spread by jitter', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(15_000);
    expect(backoffDelay(20, () => 0)).toBe(7500);
  });
});
