import { describe, expect, it } from 'vitest';
import { formatCountdown, minutesToAnnounce, timeLeft } from './hold-countdown';

describe('the time left to pay a card order', () => {
  it('shows minutes and seconds, rounded up so 00:00 means the hold has ended', () => {
    expect(formatCountdown(15 * 60_000)).toBe('15:00');
    expect(formatCountdown(14 * 60_000 + 5_400)).toBe('14:06');
    expect(formatCountdown(9_001)).toBe('00:10');
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(-5_000)).toBe('00:00');
  });

  it('counts from now to the hold end, never below zero', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(timeLeft('2026-12-07T12:15:00Z', now)).toBe(15 * 60_000);
    expect(timeLeft('2026-12-07T11:59:00Z', now)).toBe(0);
    expect(timeLeft('not a date', now)).toBe(0);
  });

  it('announces whole minutes, so a screen reader hears it once a minute, not every second', () => {
    const announced = new Set<number>();
    for (let ms = 3 * 60_000; ms > 0; ms -= 1000) announced.add(minutesToAnnounce(ms));
    expect([...announced]).toEqual([3, 2, 1]);
    expect(minutesToAnnounce(0)).toBe(0);
  });
});
