import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import type { ChosenOptions } from '@/features/cart/add-to-cart-action';
import { AddToCart, AddVariantButton } from '@/features/cart/components/add-to-cart';
import { optionsText } from '@/features/cart/guest-cart-options';
import { useCategories } from '@/features/catalog/api/get-categories';
import { useProduct } from '@/features/catalog/api/get-product';
import { categoryPath } from '@/features/catalog/category-tree';
import { ProductAttributes } from '@/features/catalog/components/product-attributes';
import { ProductGallery } from '@/features/catalog/components/product-gallery';
import { ProductOptionsForm } from '@/features/catalog/components/product-options';
import { choiceProblems, chosenModifiers, hasOptions, initialChoice, outAtStore, unitPrice, type Choice } from '@/features/catalog/configuration';
import { useStores } from '@/features/stores/api/get-stores';
import { ProductAvailability } from '@/features/stores/components/product-availability';
import type { Product } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';

const PAGE_GRID = 'grid gap-6 lg:grid-cols-[24rem_minmax(0,1fr)] lg:gap-10 xl:grid-cols-[28rem_minmax(0,1fr)]';
// On a phone the picture takes at most a fifth of the screen's height (its width is 4/5 of that),
// so the name (even in three lines), the price and "Add to cart" are on the first screen too.
const GALLERY_FRAME = 'mx-auto w-full max-w-[min(17rem,16svh)] sm:max-w-[min(24rem,40svh)] lg:mx-0 lg:max-w-none';

export function Component() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const product = useProduct(slug);
  const categories = useCategories();

  if (product.isPending) {
    return (
      <div className={PAGE_GRID}>
        <LoadingStatus label={t('states.loading')} />
        <div className={GALLERY_FRAME}>
          <Skeleton className="aspect-[4/5] rounded-[var(--radius-card)]" />
        </div>
        <div className="flex flex-col gap-4">
          <Skeleton className="h-10 w-3/4" />
          <Skeleton className="h-8 w-1/4" />
          <Skeleton className="h-32" />
        </div>
      </div>
    );
  }
  if (product.isError) {
    if (product.error.status === 404) {
      return (
        <>
          <Seo title={t('product.notFound')} />
          <h1 className="sr-only">{t('product.notFound')}</h1>
          <EmptyState
            title={t('product.notFound')}
            action={
              <Link to={paths.catalog()} className={buttonClasses()}>
                {t('home.browse')}
              </Link>
            }
          >
            {t('product.notFoundBody')}
          </EmptyState>
        </>
      );
    }
    return <ErrorState error={product.error} onRetry={() => void product.refetch()} />;
  }

  const item = product.data;
  const crumbs = categories.data ? categoryPath(categories.data, item.category_id) : [];
  return (
    <>
      <Seo title={item.name} description={item.description.slice(0, 155)} />
      <nav aria-label={t('catalog.breadcrumbs')} className="mb-4 text-sm text-ink-muted">
        <ol className="flex flex-wrap gap-1">
          <li>
            <Link to={paths.catalog()} className="hover:underline">
              {t('layout.catalog')}
            </Link>
          </li>
          {crumbs.map((crumb) => (
            <li key={crumb.id} className="before:mr-1 before:content-['/']">
              <Link to={paths.catalog(crumb.slug)} className="hover:underline">
                {crumb.name}
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      <div className={PAGE_GRID}>
        <div className={GALLERY_FRAME}>
          <ProductGallery product={item} />
        </div>
        {/* Keyed by product: a new product opens with its own defaults. */}
        <BuyBox key={item.id} product={item} />
      </div>
    </>
  );
}

/** The options wanted for a choice, as the cart is sent them and a guest's line keeps them. */
function chosenOptions(product: Product, choice: Choice): ChosenOptions {
  const variant = product.variants.find((candidate) => candidate.id === choice.variantId);
  return {
    variantId: choice.variantId,
    modifierIds: choice.modifierIds,
    variantName: variant?.name ?? '',
    text: optionsText(variant?.name, chosenModifiers(product, choice).map(({ modifier }) => modifier.name)),
    unitPrice: unitPrice(product, choice),
  };
}

/**
 * The name, the price of what is chosen, the choices and "Add to cart"; then the description,
 * the details and each store's stock of the chosen variant. Each variant carries its own "Add"
 * beside it, so a drink is configured and added in three taps (Oat, Extra shot, Large's "Add").
 */
function BuyBox({ product }: { product: Product }) {
  const { t, i18n } = useTranslation();
  const [choice, setChoice] = useState(() => initialChoice(product));
  const [quantity, setQuantity] = useState(1);
  const [tried, setTried] = useState(false);
  const stores = useStores();
  const storeNames = useMemo(() => new Map((stores.data ?? []).map((store) => [store.id, store.name])), [stores.data]);
  const configurable = hasOptions(product);
  const blocked = choiceProblems(product, choice).length > 0;
  const price = configurable ? unitPrice(product, choice) : product.price;
  const options = configurable ? chosenOptions(product, choice) : undefined;
  const money = (amount: string) => formatPrice(amount, product.currency, i18n.language);
  return (
    <div className="flex flex-col gap-4 sm:gap-6">
      <div className="flex flex-col gap-3">
        <h1 className="font-display text-2xl leading-tight text-ink sm:text-4xl">{product.name}</h1>
        {/* Announced as it changes with the choice. */}
        <p className="text-2xl font-semibold text-ink" aria-live="polite">
          {money(price)}
        </p>
      </div>
      {configurable ? (
        <ProductOptionsForm
          product={product}
          choice={choice}
          onChange={setChoice}
          storeNames={storeNames}
          showProblems={tried}
          variantAction={(variant) => {
            const forVariant = { ...choice, variantId: variant.id };
            return (
              <AddVariantButton
                product={product}
                options={chosenOptions(product, forVariant)}
                quantity={quantity}
                blocked={blocked}
                onBlocked={() => setTried(true)}
                label={t('cart.addVariant', { name: variant.name, price: money(unitPrice(product, forVariant)) })}
              />
            );
          }}
        />
      ) : null}
      <AddToCart product={product} options={options} blocked={blocked} onBlocked={() => setTried(true)} quantity={quantity} onQuantity={setQuantity} />
      <p className="max-w-prose whitespace-pre-line text-lg leading-relaxed text-ink-muted">{product.description}</p>
      <section aria-labelledby="product-details" className="rounded-2xl border border-line bg-surface p-5">
        <h2 id="product-details" className="mb-3 font-display text-xl text-ink">
          {t('product.details')}
        </h2>
        <ProductAttributes attributes={product.attributes} />
      </section>
      <section aria-labelledby="product-availability">
        <h2 id="product-availability" className="mb-3 font-display text-xl text-ink">
          {t('product.availability')}
        </h2>
        <ProductAvailability
          productId={product.id}
          variantId={product.variants.length > 1 ? choice.variantId : null}
          outAt={(storeId) => outAtStore(product, choice, storeId)}
        />
        <p className="mt-3 text-sm text-ink-muted">{t('product.pickupHint')}</p>
      </section>
    </div>
  );
}
