import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import type { Store } from '@/lib/api-types';
import { OpenStatus } from './open-status';
import { TodayHours } from './opening-hours';

export function StoreCard({ store }: { store: Store }) {
  const { t } = useTranslation();
  return (
    <article className="relative flex flex-col gap-3 rounded-[var(--radius-card)] border border-line bg-surface p-5 shadow-sm">
      <h2 className="font-display text-xl text-ink">
        <Link to={paths.store(store.id)} className="after:absolute after:inset-0 hover:underline">
          {store.name}
        </Link>
      </h2>
      <address className="not-italic text-ink-muted">{store.address}</address>
      <OpenStatus store={store} compact />
      <TodayHours store={store} />
      <p className="mt-auto text-sm font-semibold text-brand" aria-hidden="true">
        {t('stores.seeStore')} →
      </p>
    </article>
  );
}
