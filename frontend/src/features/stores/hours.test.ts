import { describe, expect, it } from 'vitest';
import { openState, storeClock } from './hours';

const HOURS = {
  mon: [['09:30', '13:00'], ['14:00', '19:00']],
  fri: [['18:00', '02:00']],
  sat: [['10:00', '16:00']],
  sun: [],
};

describe("a store's hours in its own time zone", () => {
  it('reads the weekday and time at the store, not in the browser', () => {
    // 2026-03-02 is a Monday; 23:30 UTC is already Tuesday 00:30 in Berlin.
    expect(storeClock('Europe/Berlin', new Date('2026-03-02T23:30:00Z'))).toEqual({ day: 'tue', minutes: 30 });
    expect(storeClock('America/New_York', new Date('2026-03-02T23:30:00Z'))).toEqual({ day: 'mon', minutes: 18 * 60 + 30 });
  });

  it('says until when it is open, and when it opens next', () => {
    expect(openState(HOURS, 'UTC', new Date('2026-03-02T10:00:00Z'))).toEqual({ open: true, closesAt: '13:00' });
    expect(openState(HOURS, 'UTC', new Date('2026-03-02T13:30:00Z'))).toEqual({ open: false, opensAt: { day: 'mon', time: '14:00', inDays: 0 } });
    expect(openState(HOURS, 'UTC', new Date('2026-03-02T20:00:00Z'))).toEqual({ open: false, opensAt: { day: 'fri', time: '18:00', inDays: 4 } });
  });

  it('counts an interval past midnight, also from Sunday back to Monday', () => {
    expect(openState(HOURS, 'UTC', new Date('2026-03-07T01:00:00Z'))).toEqual({ open: true, closesAt: '02:00' }); // Saturday 01:00
    expect(openState(HOURS, 'UTC', new Date('2026-03-08T12:00:00Z'))).toEqual({ open: false, opensAt: { day: 'mon', time: '09:30', inDays: 1 } });
  });
});
