import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import type { Product } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { ProductCover } from './product-cover';

// `price_varies`: its variants' prices differ, `price` is the lowest ("from €3.20");
// `has_options`: it needs choosing (sizes, milk), the card's action links to its page.
type CardProduct = Pick<Product, 'id' | 'name' | 'slug' | 'price' | 'currency' | 'images'> & { quantity?: number; price_varies?: boolean; has_options?: boolean };

/** A product in a grid; `action` (e.g. "Add to cart") sits below the price, above the card's link. */
export function ProductCard({ product, eager = false, action }: { product: CardProduct; eager?: boolean; action?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <article className="group relative flex flex-col gap-3">
      <ProductCover product={product} eager={eager} />
      <div className="flex flex-1 flex-col gap-1">
        <h3 className="font-display text-base leading-snug text-ink sm:text-lg">
          <Link to={paths.product(product.slug)} className="after:absolute after:inset-0 group-hover:underline">
            {product.name}
          </Link>
        </h3>
        <p className="mt-auto font-semibold text-ink">
          {product.price_varies ? t('catalog.fromPrice', { price: formatPrice(product.price, product.currency, i18n.language) }) : formatPrice(product.price, product.currency, i18n.language)}
        </p>
        {product.quantity !== undefined ? (
          <p className="text-sm text-ink-muted">{t('catalog.inStockHere', { count: product.quantity })}</p>
        ) : null}
      </div>
      {action}
    </article>
  );
}
