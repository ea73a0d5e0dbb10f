import { useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { buttonClasses } from '@/components/ui/button';
import { Seo } from '@/components/seo';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import type { AddableProduct } from '@/features/cart/add-to-cart-action';
import { AddToCartButton } from '@/features/cart/components/add-to-cart-button';
import { useInfo } from '@/features/info/api/get-info';
import { useCategories } from '@/features/catalog/api/get-categories';
import { useProducts } from '@/features/catalog/api/get-products';
import { ProductGrid, ProductGridSkeleton } from '@/features/catalog/components/product-grid';
import { HOME_PRODUCTS } from './home-products';

// One function for every render, so the grid's memo keeps its cards when the page re-renders.
const addToCartAction = (product: AddableProduct) => <AddToCartButton product={product} />;

export function Component() {
  const { t } = useTranslation();
  const info = useInfo();
  const categories = useCategories();
  const products = useProducts(HOME_PRODUCTS);
  // The category cards render in a transition (yielding to the browser), not in the task the answer arrives in.
  const categoryList = useDeferredValue(categories.data);
  const roots = (categoryList ?? []).filter((c) => c.parent_id === null).sort((a, b) => a.name.localeCompare(b.name));

  return (
    <>
      <Seo description={t('home.description')} />
      <section className="relative overflow-hidden rounded-[var(--radius-card)] bg-brand px-6 py-12 text-brand-contrast sm:px-12 sm:py-16">
        <div className="relative z-10 flex max-w-2xl flex-col gap-5">
          <p className="text-sm font-semibold uppercase tracking-[0.2em] text-brand-soft">{info.data?.name ?? '\u00a0'}</p>
          <h1 className="font-display text-4xl leading-tight sm:text-5xl">{t('home.title')}</h1>
          <p className="text-lg text-brand-soft">{t('home.lead')}</p>
          <div className="flex flex-wrap gap-3">
            <Link to={paths.catalog()} className={buttonClasses('secondary', 'border-transparent')}>
              {t('home.browse')}
            </Link>
            <Link
              to={paths.stores}
              className="inline-flex min-h-11 items-center justify-center rounded-full px-5 text-sm font-semibold text-brand-contrast ring-1 ring-brand-soft hover:bg-brand-strong"
            >
              {t('home.findStore')}
            </Link>
          </div>
        </div>
        <div aria-hidden="true" className="absolute -right-16 -top-16 size-72 rounded-full bg-brand-strong/60" />
        <div aria-hidden="true" className="absolute -bottom-24 right-24 size-56 rounded-full bg-accent/40" />
      </section>

      <section aria-labelledby="home-categories" className="mt-12">
        <h2 id="home-categories" className="mb-5 font-display text-2xl text-ink">
          {t('home.categories')}
        </h2>
        {categories.isError ? (
          <ErrorState error={categories.error} onRetry={() => void categories.refetch()} />
        ) : !categoryList ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Skeleton className="h-52" />
            <Skeleton className="h-52" />
          </div>
        ) : roots.length === 0 ? (
          <EmptyState title={t('home.noCategories')} />
        ) : (
          <ul className="grid gap-4 sm:grid-cols-2">
            {roots.map((category) => (
              <li key={category.id} className="relative flex flex-col gap-3 rounded-[var(--radius-card)] border border-line bg-surface p-6 shadow-sm">
                <h3 className="font-display text-2xl text-ink">
                  <Link to={paths.catalog(category.slug)} className="after:absolute after:inset-0 hover:underline">
                    {category.name}
                  </Link>
                </h3>
                <p className="text-ink-muted">{category.description}</p>
                {category.children.length ? (
                  <ul className="relative z-10 flex flex-wrap gap-2">
                    {category.children.map((child) => (
                      <li key={child.id}>
                        <Link
                          to={paths.catalog(child.slug)}
                          className="inline-flex min-h-11 items-center rounded-full bg-surface-muted px-3 text-sm font-medium text-ink hover:bg-brand-soft"
                        >
                          {child.name}
                        </Link>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="home-new" className="mt-14">
        <div className="mb-5 flex items-baseline justify-between gap-4">
          <h2 id="home-new" className="font-display text-2xl text-ink">
            {t('home.newArrivals')}
          </h2>
          <Link to={`${paths.catalog()}?sort=newest`} className="text-sm font-semibold text-brand hover:underline">
            {t('home.seeAll')}
          </Link>
        </div>
        {products.isPending ? (
          <>
            <LoadingStatus label={t('states.loading')} />
            <ProductGridSkeleton count={8} />
          </>
        ) : products.isError ? (
          <ErrorState error={products.error} onRetry={() => void products.refetch()} />
        ) : products.data.items.length === 0 ? (
          <EmptyState title={t('catalog.emptyTitle')} />
        ) : (
          <ProductGrid products={products.data.items} label={t('home.newArrivals')} renderAction={addToCartAction} />
        )}
      </section>
    </>
  );
}
