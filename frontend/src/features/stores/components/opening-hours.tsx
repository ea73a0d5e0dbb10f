import { useTranslation } from 'react-i18next';
import type { Store } from '@/lib/api-types';
import { WEEKDAYS, formatClock, timeZoneLabel, weekdayHeading } from '@/lib/format';
import { storeClock } from '../hours';

/** The week's hours in the store's local time; today is marked. */
export function OpeningHours({ store }: { store: Pick<Store, 'opening_hours' | 'timezone'> }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const today = storeClock(store.timezone).day;
  return (
    <table className="w-full text-sm">
      <caption className="mb-2 text-left text-sm text-ink-muted">{t('stores.hoursCaption', { timezone: timeZoneLabel(store.timezone, locale) })}</caption>
      <tbody>
        {WEEKDAYS.map((day) => {
          const intervals = store.opening_hours[day] ?? [];
          const isToday = day === today;
          return (
            <tr key={day} className={isToday ? 'bg-brand-soft font-semibold' : ''}>
              <th scope="row" className="py-1.5 pl-2 pr-4 text-left font-inherit">
                {weekdayHeading(day, locale)}
                {isToday ? <span className="ml-2 inline-block whitespace-nowrap text-xs uppercase tracking-wide text-brand">{t('stores.today')}</span> : null}
              </th>
              <td className="py-1.5 pr-2 text-right tabular-nums">
                {intervals.length
                  ? intervals.map(([opens = '', closes = '']) => `${formatClock(opens, locale)}–${formatClock(closes, locale)}`).join(', ')
                  : t('stores.closedAllDay')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Today's hours only, e.g. for a store card. */
export function TodayHours({ store }: { store: Pick<Store, 'opening_hours' | 'timezone'> }) {
  const { t, i18n } = useTranslation();
  const today = storeClock(store.timezone).day;
  const intervals = store.opening_hours[today] ?? [];
  return (
    <p className="text-sm text-ink-muted">
      {t('stores.todayHours', {
        hours: intervals.length
          ? intervals.map(([opens = '', closes = '']) => `${formatClock(opens, i18n.language)}–${formatClock(closes, i18n.language)}`).join(', ')
          : t('stores.closedAllDay'),
      })}
    </p>
  );
}
