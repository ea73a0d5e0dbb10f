/** Opening hours in a store's own time zone: what day and time it is there, when it opens or closes. */
import { WEEKDAYS, dateTimeFormat, type Weekday } from '@/lib/format';

export type OpeningHours = Record<string, string[][]>;
const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;

function toMinutes(hhmm: string): number {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

/** The weekday and minute of the day at the store, now. */
export function storeClock(timezone: string, now: Date = new Date()): { day: Weekday; minutes: number } {
  const parts = dateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day: WEEKDAYS.includes(day) ? day : 'mon', minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

type Interval = { start: number; end: number; opens: string; closes: string; day: Weekday };

/** Every opening interval as minutes from Monday 00:00; one that closes at or before it opens runs past midnight. */
function weekIntervals(hours: OpeningHours): Interval[] {
  const intervals: Interval[] = [];
  WEEKDAYS.forEach((day, index) => {
    for (const [opens = '00:00', closes = '00:00'] of hours[day] ?? []) {
      const start = index * DAY_MINUTES + toMinutes(opens);
      let end = index * DAY_MINUTES + toMinutes(closes);
      if (end <= start) end += DAY_MINUTES;
      intervals.push({ start, end, opens, closes, day });
    }
  });
  return intervals;
}

export type OpenState =
  | { open: true; closesAt: string }
  | { open: false; opensAt: { day: Weekday; time: string; inDays: number } | null };

export function openState(hours: OpeningHours, timezone: string, now: Date = new Date()): OpenState {
  const clock = storeClock(timezone, now);
  const minuteOfWeek = WEEKDAYS.indexOf(clock.day) * DAY_MINUTES + clock.minutes;
  const intervals = weekIntervals(hours);
  for (const interval of intervals) {
    for (const shift of [0, -WEEK_MINUTES]) {
      if (interval.start + shift <= minuteOfWeek && minuteOfWeek < interval.end + shift) {
        return { open: true, closesAt: interval.closes };
      }
    }
  }
  let next: { interval: Interval; at: number } | null = null;
  for (const interval of intervals) {
    const at = interval.start > minuteOfWeek ? interval.start : interval.start + WEEK_MINUTES;
    if (!next || at < next.at) next = { interval, at };
  }
  if (!next) return { open: false, opensAt: null };
  const inDays = Math.floor(next.at / DAY_MINUTES) - Math.floor(minuteOfWeek / DAY_MINUTES);
  return { open: false, opensAt: { day: next.interval.day, time: next.interval.opens, inDays } };
}
