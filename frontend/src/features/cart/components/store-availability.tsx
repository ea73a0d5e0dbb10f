import { useTranslation } from 'react-i18next';
import type { StoreAvailability } from '@/lib/api-types';

/** What a store is short of for this cart, line by line ("Winter in Lisbon: 1 of 3"). */
export function ShortLines({ entry, nameOf }: { entry: StoreAvailability; nameOf: (productId: number) => string }) {
  const { t } = useTranslation();
  if (entry.all_available) {
    return <p className="text-sm font-semibold text-success">{t('cart.hasEverything')}</p>;
  }
  return (
    <div className="text-sm">
      <p className="font-semibold text-danger">{t('cart.shortOf')}</p>
      <ul className="mt-1 flex flex-col gap-0.5 text-ink-muted">
        {entry.short.map((line) => (
          <li key={line.product_id}>
            {line.available > 0
              ? t('cart.shortLine', { name: nameOf(line.product_id), available: line.available, requested: line.requested })
              : t('cart.noneLeft', { name: nameOf(line.product_id), requested: line.requested })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Every store and whether it has the whole cart now (the cart page's summary). */
export function PickupSummary({ stores, nameOf }: { stores: StoreAvailability[]; nameOf: (productId: number) => string }) {
  const { t } = useTranslation();
  if (!stores.length) return <p className="text-sm text-ink-muted">{t('cart.noStores')}</p>;
  return (
    <ul aria-label={t('cart.pickupWhere')} className="flex flex-col gap-3">
      {stores.map((entry) => (
        <li key={entry.store.id} className="flex flex-col gap-1">
          <span className="font-semibold text-ink">{entry.store.name}</span>
          <ShortLines entry={entry} nameOf={nameOf} />
        </li>
      ))}
    </ul>
  );
}
