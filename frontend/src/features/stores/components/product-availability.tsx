import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useProductAvailability } from '../api/get-product-availability';
import { useStores } from '../api/get-stores';
import { OpenStatus } from './open-status';

/**
 * Stock of one product at every store, with each store's open-now state; with `variantId`, the
 * stock of that variant; `outAt` names the
 * chosen options a store is out of ("Oat is out here").
 */
export function ProductAvailability({
  productId,
  variantId = null,
  outAt,
}: {
  productId: number;
  variantId?: number | null;
  outAt?: (storeId: number) => string[];
}) {
  const { t } = useTranslation();
  const availability = useProductAvailability(productId);
  const stores = useStores();
  // The rows (each store's open-now state in its time zone) render in a transition that yields
  // to the browser, not in the task the answer arrives in.
  const rowsData = useDeferredValue(availability.data);
  const storesData = useDeferredValue(stores.data);
  if (availability.isError || stores.isError) {
    return (
      <ErrorState
        error={availability.error ?? stores.error}
        onRetry={() => {
          void availability.refetch();
          void stores.refetch();
        }}
      />
    );
  }
  if (!rowsData || !storesData) {
    return (
      <div className="flex flex-col gap-3" aria-hidden="true">
        <Skeleton className="h-16" />
        <Skeleton className="h-16" />
      </div>
    );
  }
  const byId = new Map(storesData.map((store) => [store.id, store]));
  const rows = rowsData.filter((row) => byId.has(row.store_id));
  if (!rows.length) return <p className="text-ink-muted">{t('product.noStores')}</p>;
  return (
    <ul aria-label={t('product.availability')} className="flex flex-col divide-y divide-line rounded-2xl border border-line bg-surface">
      {rows.map((row) => {
        const store = byId.get(row.store_id)!;
        const quantity = variantId === null ? row.quantity : (row.variants.find((entry) => entry.variant_id === variantId)?.quantity ?? 0);
        const out = outAt?.(row.store_id) ?? [];
        return (
          <li key={row.store_id} className="flex flex-col gap-1.5 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
            <div className="flex flex-col gap-1">
              <Link to={paths.store(row.store_id)} className="font-semibold text-ink hover:underline">
                {row.store_name}
              </Link>
              <OpenStatus store={store} compact />
            </div>
            <div className="flex flex-col gap-0.5 sm:items-end">
              <p className={`text-sm font-semibold ${quantity > 0 ? 'text-success' : 'text-ink-muted'}`}>
                {quantity > 0 ? t('product.inStock', { count: quantity }) : t('product.outOfStock')}
              </p>
              {out.length ? <p className="text-sm font-semibold text-danger">{t('product.optionsOutHere', { names: out.join(', '), count: out.length })}</p> : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
