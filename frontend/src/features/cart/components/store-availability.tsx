import { useTranslation } from 'react-i18next';
import type { StoreAvailability } from '@/lib/api-types';
import type { LineNamer } from '../use-cart-view';

/**
 * What a store is short of for this cart, variant by variant ("Flat white — Large: 1 of 3"),
 * and what it cannot make: a modifier out there ("Flat white — Large: Oat is out at Brooklyn").
 */
export function ShortLines({ entry, nameOf }: { entry: StoreAvailability; nameOf: LineNamer }) {
  const { t } = useTranslation();
  if (entry.all_available) {
    return <p className="text-sm font-semibold text-success">{t('cart.hasEverything')}</p>;
  }
  return (
    <div className="text-sm">
      <p className="font-semibold text-danger">{t('cart.shortOf')}</p>
      <ul className="mt-1 flex flex-col gap-0.5 text-ink-muted">
        {entry.short.map((line) => {
          const name = nameOf(line);
          const key = `${line.product_id}-${line.variant_id}`;
          return [
            ...(line.available < line.requested
              ? [
                  <li key={`${key}-stock`}>
                    {line.available > 0 ? t('cart.shortLine', { name, available: line.available, requested: line.requested }) : t('cart.noneLeft', { name, requested: line.requested })}
                  </li>,
                ]
              : []),
            ...line.unavailable_modifiers.map((modifier) => <li key={`${key}-${modifier}`}>{t('cart.modifierOut', { name, modifier, store: entry.store.name })}</li>),
          ];
        })}
      </ul>
    </div>
  );
}

/** Every store and whether it has the whole cart now (the cart page's summary). */
export function PickupSummary({ stores, nameOf }: { stores: StoreAvailability[]; nameOf: LineNamer }) {
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
