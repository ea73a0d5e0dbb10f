import type { Product } from '@/lib/api-types';

const PALETTES = [
  'from-[#6b3f24] to-[#a0673f] text-[#fff6ea]',
  'from-[#1f6f68] to-[#3f9c8f] text-[#effaf8]',
  'from-[#2f3a56] to-[#56658c] text-[#eef1fa]',
  'from-[#7a2e3b] to-[#b4566a] text-[#fff0f2]',
  'from-[#4a5a2a] to-[#7d9150] text-[#f6f9ec]',
  'from-[#5b4a7a] to-[#8a78ad] text-[#f5f1fc]',
];

type CoverProduct = Pick<Product, 'id' | 'name' | 'images'>;

/**
 * The product's first image in a fixed 4:5 frame (so nothing shifts while it loads), or a
 * typographic cover in the shop's colours when it has none.
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
  const palette = PALETTES[product.id % PALETTES.length];
  return (
    <div
      aria-hidden="true"
      className={`flex aspect-[4/5] flex-col justify-between overflow-hidden rounded-[var(--radius-card)] bg-gradient-to-br p-4 ${palette}`}
    >
      <span className="h-1 w-10 rounded-full bg-current opacity-60" />
      <span className="line-clamp-4 font-display text-lg leading-snug sm:text-xl">{product.name}</span>
      <span className="h-px w-full bg-current opacity-30" />
    </div>
  );
}
