import { describe, expect, it } from 'vitest';

import { formatClock, formatPrice, formatTotal, numberFormat, timeZoneLabel, weekdayHeading } from './format';

describe('formatTotal', () => {
  it('shows an exact total as it is', () => {
    expect(formatTotal({ total: 1234, total_capped: false }, 'en')).toBe('1,234');
  });

  it('shows a capped total as "10,000+"', () => {
    expect(formatTotal({ total: 10000, total_capped: true }, 'en')).toBe('10,000+');
  });
});

describe('cached Intl formatters', () => {
  it('reuse one formatter per locale and options, never one made for other options', () => {
    expect(numberFormat('en', { style: 'currency', currency: 'EUR' })).toBe(numberFormat('en', { style: 'currency', currency: 'EUR' }));
    expect(formatPrice('12.5', 'EUR', 'en')).toBe('€12.50');
    expect(formatPrice('12.5', 'USD', 'en')).toBe('$12.50');
    expect(formatPrice('12.5', 'EUR', 'ru')).toBe('12,50\u00a0€');
    expect(formatPrice('12.5', undefined, 'en')).toBe('12.50');
    expect(formatClock('09:30', 'en')).toBe('9:30 AM');
    expect(formatClock('19:30', 'ru')).toBe('19:30');
  });
});

describe('store hours as people write them', () => {
  it('names a time zone in the reader’s language, not by its IANA id', () => {
    expect(timeZoneLabel('Europe/Berlin', 'en')).toBe('Central European Time');
    expect(timeZoneLabel('Europe/Berlin', 'ru')).toBe('Центральная Европа');
    expect(timeZoneLabel('Not/AZone', 'en')).toBe('Not/AZone');
  });
  it('starts a weekday heading with a capital, in Russian too', () => {
    expect(weekdayHeading('mon', 'ru')).toBe('Понедельник');
    expect(weekdayHeading('sun', 'en')).toBe('Sunday');
  });
});
