import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product } from '@/lib/api-types';
import { ProductCover } from './product-cover';

/** The product's images: the chosen one large (fixed frame, no shift), the others as thumbnails. */
export function ProductGallery({ product }: { product: Pick<Product, 'id' | 'name' | 'images'> }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  const images = [...product.images].sort((a, b) => a.position - b.position);
  const current = images[index] ?? images[0];
  if (!current) return <ProductCover product={product} eager sizes="(min-width: 1024px) 40vw, 100vw" />;
  return (
    <div className="flex flex-col gap-3">
      <div className="aspect-[4/5] overflow-hidden rounded-[var(--radius-card)] bg-surface-sunken">
        <img
          src={current.url}
          alt={current.alt_text || product.name}
          width={current.width}
          height={current.height}
          fetchPriority="high"
          className="size-full object-contain"
        />
      </div>
      {images.length > 1 ? (
        <ul aria-label={t('product.images')} className="grid grid-cols-5 gap-2">
          {images.map((image, i) => (
            <li key={image.id}>
              <button
                type="button"
                onClick={() => setIndex(i)}
                aria-pressed={i === index}
                aria-label={t('product.showImage', { number: i + 1, total: images.length })}
                className={`block aspect-square w-full overflow-hidden rounded-lg border-2 ${i === index ? 'border-brand' : 'border-transparent'}`}
              >
                <img src={image.url} alt="" width={image.width} height={image.height} loading="lazy" decoding="async" className="size-full object-cover" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
