import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { Pagination } from '@/components/ui/pagination';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import type { AddableProduct } from '@/features/cart/add-to-cart-action';
import { AddToCartButton } from '@/features/cart/components/add-to-cart-button';
import { toProductQuery } from '@/features/catalog/catalog-params';
import { CatalogFilters, SortSelect } from '@/features/catalog/components/catalog-filters';
import { ProductGrid, ProductGridSkeleton } from '@/features/catalog/components/product-grid';
import { useCatalogState } from '@/features/catalog/use-catalog-state';
import { useStore } from '@/features/stores/api/get-store';
import { useStoreProducts } from '@/features/stores/api/get-store-products';
import { OpenStatus } from '@/features/stores/components/open-status';
import { OpeningHours } from '@/features/stores/components/opening-hours';
import { formatTotal } from '@/lib/format';

// One function for every render, so the grid's memo keeps its cards when the page re-renders.
const addToCartAction = (product: AddableProduct) => <AddToCartButton product={product} />;

export function Component() {
  const { t, i18n } = useTranslation();
  const { storeId = '' } = useParams();
  const id = /^\d{1,18}$/.test(storeId) ? Number(storeId) : 0;
  const store = useStore(id);
  const [state, update, hrefFor] = useCatalogState();
  const products = useStoreProducts(id, toProductQuery(state, { withStore: false }));

  if (store.isPending) {
    return (
      <div className="flex flex-col gap-4">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-10 w-1/2" />
        <Skeleton className="h-56" />
      </div>
    );
  }
  if (store.isError) {
    if (store.error.status === 404 || store.error.status === 422) {
      return (
        <>
          <Seo title={t('stores.notFound')} />
          <h1 className="sr-only">{t('stores.notFound')}</h1>
          <EmptyState title={t('stores.notFound')} action={<Link to={paths.stores} className={buttonClasses()}>{t('stores.allStores')}</Link>} />
        </>
      );
    }
    return <ErrorState error={store.error} onRetry={() => void store.refetch()} />;
  }
  const shop = store.data;
  return (
    <>
      <Seo title={shop.name} description={t('stores.storeDescription', { name: shop.name, address: shop.address })} />
      <p className="mb-3 text-sm">
        <Link to={paths.stores} className="text-ink-muted hover:underline">
          ← {t('stores.allStores')}
        </Link>
      </p>
      <div className="grid gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="flex flex-col gap-4">
          <h1 className="font-display text-3xl text-ink sm:text-4xl">{shop.name}</h1>
          <OpenStatus store={shop} />
          <address className="flex flex-col gap-1 not-italic text-ink">
            <span>{shop.address}</span>
            <a href={`tel:${shop.phone.replace(/\s+/g, '')}`} className="w-fit underline-offset-4 hover:underline">
              {shop.phone}
            </a>
            <a href={`mailto:${shop.email}`} className="w-fit underline-offset-4 hover:underline">
              {shop.email}
            </a>
          </address>
        </div>
        <section aria-labelledby="store-hours" className="rounded-2xl border border-line bg-surface p-5">
          <h2 id="store-hours" className="mb-2 font-display text-xl text-ink">
            {t('stores.openingHours')}
          </h2>
          <OpeningHours store={shop} />
        </section>
      </div>

      <section aria-labelledby="store-assortment" className="mt-12">
        <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="store-assortment" className="font-display text-2xl text-ink">
              {t('stores.assortment')}
            </h2>
            <p className="text-sm text-ink-muted" aria-live="polite">
              {products.data ? t('catalog.count', { count: products.data.total, formatted: formatTotal(products.data, i18n.language) }) : '\u00a0'}
            </p>
          </div>
          <SortSelect state={state} update={update} />
        </div>
        <div className="grid gap-8 lg:grid-cols-[16rem_minmax(0,1fr)]">
          <aside>
            <CatalogFilters key={state.q} state={state} update={update} withSearch />
          </aside>
          <div className="min-w-0">
            {products.isError ? (
              <ErrorState error={products.error} onRetry={() => void products.refetch()} />
            ) : !products.data ? (
              <ProductGridSkeleton count={4} />
            ) : products.data.items.length === 0 ? (
              <EmptyState title={state.q ? t('catalog.noResults', { q: state.q }) : t('stores.assortmentEmpty')}>{t('catalog.emptyBody')}</EmptyState>
            ) : (
              <div className={products.isPlaceholderData ? 'opacity-60 transition-opacity' : ''} aria-busy={products.isPlaceholderData}>
                <ProductGrid products={products.data.items} label={t('stores.assortment')} renderAction={addToCartAction} />
                <Pagination page={products.data.page} pages={products.data.pages} hrefFor={(page) => hrefFor({ ...state, page })} />
              </div>
            )}
          </div>
        </div>
      </section>
    </>
  );
}
