/** Money, dates and times through Intl, in the interface language. */

// Creating an Intl formatter costs far more than using one (a grid of cards would make dozens
// on a first render): one per locale and options, kept for the page's life.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) dateTimeFormats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

export function formatPrice(amount: string | number, currency: string | undefined, locale: string): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!currency) return numberFormat(locale, { minimumFractionDigits: 2 }).format(value);
  return numberFormat(locale, { style: 'currency', currency }).format(value);
}

export function formatDate(iso: string | Date, locale: string): string {
  return dateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso));
}

/** "08:00" (a store's local wall-clock time) in the locale's own style, e.g. "8:00 AM". */
export function formatClock(hhmm: string, locale: string): string {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return dateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, 1, hours, minutes),
  );
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekday's name in the locale (2024-01-01 was a Monday). */
export function weekdayName(day: Weekday, locale: string, width: 'long' | 'short' = 'long'): string {
  const index = WEEKDAYS.indexOf(day);
  return dateTimeFormat(locale, { weekday: width, timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + index));
}

/** A weekday as a heading or a table's row starts it: "Monday", "Понедельник". */
export function weekdayHeading(day: Weekday, locale: string): string {
  const name = weekdayName(day, locale);
  return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

/**
 * A time zone as people write it, in their language ("Central European Time", "Центральная
 * Европа"), not its IANA id; the id itself when the browser knows no name for it.
 */
export function timeZoneLabel(timeZone: string, locale: string): string {
  try {
    const parts = dateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(Date.now());
    return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

export function formatCount(value: number, locale: string): string {
  return numberFormat(locale).format(value);
}

/** A list's total; the API stops counting at 10,000 (`total_capped`): "10,000+". */
export function formatTotal(page: { total: number; total_capped: boolean }, locale: string): string {
  return formatCount(page.total, locale) + (page.total_capped ? '+' : '');
}

/** A moment with date and time, e.g. "3 December 2026 at 14:05". */
export function formatDateTime(iso: string | Date, locale: string): string {
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A signed amount for a ledger: "+€25.00", "−€12.50". */
export function formatSignedPrice(amount: string | number, currency: string, locale: string): string {
  return numberFormat(locale, { style: 'currency', currency, signDisplay: 'exceptZero' }).format(Number(amount));
}

/** A time of day, e.g. "14:05" or "2:05 PM". */
export function formatTime(iso: string | Date, locale: string): string {
  return dateTimeFormat(locale, { timeStyle: 'short' }).format(new Date(iso));
}
