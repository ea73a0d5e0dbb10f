import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Seo } from '@/components/seo';
import { Pagination } from '@/components/ui/pagination';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import type { AddableProduct } from '@/features/cart/add-to-cart-action';
import { AddToCartButton } from '@/features/cart/components/add-to-cart-button';
import { useCategories } from '@/features/catalog/api/get-categories';
import { useProducts } from '@/features/catalog/api/get-products';
import { toProductQuery } from '@/features/catalog/catalog-params';
import { buildCategoryTree, categoryPath } from '@/features/catalog/category-tree';
import { CatalogFilters, SortSelect } from '@/features/catalog/components/catalog-filters';
import { CategoryTree } from '@/features/catalog/components/category-tree';
import { ProductGrid, ProductGridSkeleton } from '@/features/catalog/components/product-grid';
import { useCatalogState } from '@/features/catalog/use-catalog-state';
import { useStores } from '@/features/stores/api/get-stores';
import { formatTotal } from '@/lib/format';
import { useMediaQuery } from '@/lib/use-media-query';

// One function for every render, so the grid's memo keeps its cards when the page re-renders.
const addToCartAction = (product: AddableProduct) => <AddToCartButton product={product} />;

export function Component() {
  const { t, i18n } = useTranslation();
  const { categorySlug } = useParams();
  const [state, update, hrefFor] = useCatalogState();
  const categories = useCategories();
  const stores = useStores();

  const category = categorySlug ? categories.data?.find((c) => c.slug === categorySlug) : undefined;
  const unknownCategory = Boolean(categorySlug && categories.data && !category);
  const children = useMemo(() => (category && categories.data ? categories.data.filter((c) => c.parent_id === category.id) : []), [category, categories.data]);
  const chosenSubs = children.filter((child) => state.sub.includes(child.slug));
  const categoryIds = chosenSubs.length ? chosenSubs.map((c) => c.id) : category ? [category.id] : [];
  // Wait for the category's id before asking for its products.
  const ready = !categorySlug || Boolean(category);
  const products = useProducts(toProductQuery(state, { categoryIds }), { enabled: ready });
  const tree = useMemo(() => buildCategoryTree(categories.data ?? []), [categories.data]);

  const wide = useMediaQuery('(min-width: 1024px)');
  const [filtersOpen, setFiltersOpen] = useState(false);
  const sidebar = (
    <div className="flex flex-col gap-6">
      {categories.isPending ? <Skeleton className="h-64" /> : <CategoryTree tree={tree} currentSlug={categorySlug} />}
      <CatalogFilters
        state={state}
        update={update}
        storeOptions={stores.data?.map((s) => ({ value: String(s.id), label: s.name }))}
        subcategoryOptions={children.map((c) => ({ value: c.slug, label: c.name }))}
      />
    </div>
  );

  const heading = state.q ? t('catalog.resultsFor', { q: state.q }) : (category?.name ?? t('catalog.allProducts'));
  const description = category?.description || t('catalog.description');

  if (unknownCategory) {
    return (
      <>
        <Seo title={t('notFound.title')} />
        <h1 className="sr-only">{t('notFound.title')}</h1>
        <EmptyState title={t('catalog.unknownCategory')} action={<Link to={paths.catalog()} className={buttonClasses()}>{t('catalog.allProducts')}</Link>} />
      </>
    );
  }

  return (
    <>
      <Seo title={heading} description={description} />
      {category && categories.data ? (
        <nav aria-label={t('catalog.breadcrumbs')} className="mb-3 text-sm text-ink-muted">
          <ol className="flex flex-wrap gap-1">
            <li>
              <Link to={paths.catalog()} className="hover:underline">
                {t('layout.catalog')}
              </Link>
            </li>
            {categoryPath(categories.data, category.id).map((crumb) => (
              <li key={crumb.id} className="before:mr-1 before:content-['/']">
                {crumb.id === category.id ? (
                  <span aria-current="page">{crumb.name}</span>
                ) : (
                  <Link to={paths.catalog(crumb.slug)} className="hover:underline">
                    {crumb.name}
                  </Link>
                )}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="flex flex-col gap-1">
        <h1 className="font-display text-3xl text-ink sm:text-4xl">{heading}</h1>
        {category && !state.q ? <p className="max-w-prose text-ink-muted">{category.description}</p> : null}
      </div>

      <div className="mt-8 grid gap-8 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <aside className="flex flex-col gap-6">
          {wide ? (
            sidebar
          ) : (
            // On a phone the filters wait, folded, until opened: not rendered with the first page.
            <details className="group rounded-2xl border border-line bg-surface p-4" onToggle={(event) => setFiltersOpen(event.currentTarget.open)}>
              <summary className="flex min-h-11 cursor-pointer list-none items-center justify-between font-semibold text-ink [&::-webkit-details-marker]:hidden">
                {t('catalog.filters')}
                <span aria-hidden="true" className="text-ink-muted transition-transform group-open:rotate-180">▾</span>
              </summary>
              {filtersOpen ? <div className="mt-4">{sidebar}</div> : null}
            </details>
          )}
        </aside>

        <section aria-labelledby="results-heading" className="min-w-0">
          <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
            <h2 id="results-heading" className="font-sans text-sm text-ink-muted" aria-live="polite">
              {products.data ? t('catalog.count', { count: products.data.total, formatted: formatTotal(products.data, i18n.language) }) : '\u00a0'}
            </h2>
            <SortSelect state={state} update={update} />
          </div>
          {categories.isError ? (
            <ErrorState error={categories.error} onRetry={() => void categories.refetch()} />
          ) : products.isError ? (
            <ErrorState error={products.error} onRetry={() => void products.refetch()} />
          ) : !products.data ? (
            <>
              <LoadingStatus label={t('states.loading')} />
              <ProductGridSkeleton count={8} />
            </>
          ) : products.data.items.length === 0 ? (
            <EmptyState
              title={state.q ? t('catalog.noResults', { q: state.q }) : t('catalog.emptyTitle')}
              action={
                <Link to={paths.catalog(categorySlug)} className={buttonClasses('secondary')}>
                  {t('catalog.clearFilters')}
                </Link>
              }
            >
              {t('catalog.emptyBody')}
            </EmptyState>
          ) : (
            <div className={products.isPlaceholderData ? 'opacity-60 transition-opacity' : ''} aria-busy={products.isPlaceholderData}>
              <ProductGrid products={products.data.items} label={heading} renderAction={addToCartAction} />
              <Pagination page={products.data.page} pages={products.data.pages} hrefFor={(page) => hrefFor({ ...state, page })} />
            </div>
          )}
        </section>
      </div>
    </>
  );
}
