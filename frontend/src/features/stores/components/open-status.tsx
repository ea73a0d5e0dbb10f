import { useTranslation } from 'react-i18next';
import type { Store } from '@/lib/api-types';
import { formatClock, weekdayName } from '@/lib/format';
import { openState } from '../hours';

type StoreHours = Pick<Store, 'opening_hours' | 'timezone' | 'open_now'>;

/** "Open now · until 19:00" or "Closed · opens tomorrow at 9:30", in the store's time zone. */
export function OpenStatus({ store, compact = false }: { store: StoreHours; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const state = openState(store.opening_hours, store.timezone);
  const open = store.open_now ?? state.open;
  let detail = '';
  if (open && state.open) detail = t('stores.until', { time: formatClock(state.closesAt, locale) });
  if (!open && !state.open && state.opensAt) {
    const time = formatClock(state.opensAt.time, locale);
    detail =
      state.opensAt.inDays === 0
        ? t('stores.opensToday', { time })
        : state.opensAt.inDays === 1
          ? t('stores.opensTomorrow', { time })
          : t('stores.opensOn', { day: weekdayName(state.opensAt.day, locale), time });
  }
  return (
    <p className={`flex flex-wrap items-center gap-x-2 ${compact ? 'text-sm' : ''}`}>
      <span
        className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-sm font-semibold ${open ? 'bg-success-soft text-success' : 'bg-surface-sunken text-ink-muted'}`}
      >
        <span aria-hidden="true" className={`size-2 rounded-full ${open ? 'bg-success' : 'bg-ink-faint'}`} />
        {open ? t('stores.openNow') : t('stores.closed')}
      </span>
      {detail ? <span className="text-sm text-ink-muted">{detail}</span> : null}
    </p>
  );
}
