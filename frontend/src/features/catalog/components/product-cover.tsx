import { ProductPlaceholder } from '@/components/product-placeholder';
import type { Product } from '@/lib/api-types';

type CoverProduct = Pick<Product, 'id' | 'name' | 'images'>;

/**
 * The product's first image in a fixed 4:5 frame (so nothing shifts while it loads), or its
 * initials on one of the shop's colours when it has none (the name is under it, not on it twice).
 */
export function ProductCover({ product, eager = false, sizes = '(min-width: 1024px) 25vw, 50vw' }: { product: CoverProduct; eager?: boolean; sizes?: string }) {
  const image = product.images[0];
  if (image) {
    return (
      <div className="aspect-[4/5] overflow-hidden rounded-[var(--radius-card)] bg-surface-sunken">
        <img
          src={image.url}
          alt={image.alt_text || product.name}
          width={image.width}
          height={image.height}
          sizes={sizes}
          loading={eager ? 'eager' : 'lazy'}
          decoding="async"
          className="size-full object-cover"
        />
      </div>
    );
  }
  return <ProductPlaceholder product={product} className="aspect-[4/5] rounded-[var(--radius-card)]" />;
}
