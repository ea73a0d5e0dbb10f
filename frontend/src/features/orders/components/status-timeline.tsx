import { useTranslation } from 'react-i18next';
import type { OrderDetail } from '@/lib/api-types';
import { formatDateTime } from '@/lib/format';

/** Every status the order went through, oldest first, with when. */
export function StatusTimeline({ history }: { history: OrderDetail['history'] }) {
  const { t, i18n } = useTranslation();
  const steps = [...history].sort((a, b) => a.changed_at.localeCompare(b.changed_at));
  return (
    <ol className="flex flex-col">
      {steps.map((step, index) => {
        const last = index === steps.length - 1;
        return (
          <li key={`${step.to_status}-${step.changed_at}`} className="relative flex gap-3 pb-5 last:pb-0">
            {!last ? <span aria-hidden="true" className="absolute left-[0.4375rem] top-4 h-full w-0.5 bg-line" /> : null}
            <span
              aria-hidden="true"
              className={`relative mt-1 size-4 shrink-0 rounded-full border-2 ${step.to_status === 'cancelled' ? 'border-danger bg-danger-soft' : last ? 'border-brand bg-brand' : 'border-brand bg-surface'}`}
            />
            <div className="flex flex-col">
              <span className="font-semibold text-ink">{t(`orders.events.${step.to_status}`)}</span>
              <time dateTime={step.changed_at} className="text-sm text-ink-muted">
                {formatDateTime(step.changed_at, i18n.language)}
              </time>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
