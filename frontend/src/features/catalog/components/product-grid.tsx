import { memo, useDeferredValue, type ComponentProps, type ReactNode } from 'react';
import { Skeleton } from '@/components/ui/skeleton';
import { ProductCard } from './product-card';

type CardProduct = ComponentProps<typeof ProductCard>['product'];
type GridProps = { products: CardProduct[]; label: string; renderAction?: ((product: CardProduct) => ReactNode) | undefined };

/**
 * The cards render in a transition (React yields to the browser between them), so a list that
 * arrives, or a new page of it, never blocks taps for the length of a whole grid's render:
 * until then the skeleton, or the list before, stays.
 */
export function ProductGrid({ products, label, renderAction }: GridProps) {
  const shown = useDeferredValue(products, null);
  if (!shown) return <ProductGridSkeleton count={products.length} />;
  return <Cards products={shown} label={label} renderAction={renderAction} />;
}

const Cards = memo(function Cards({ products, label, renderAction }: GridProps) {
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-x-4 gap-y-8 sm:grid-cols-3 xl:grid-cols-4">
      {products.map((product, index) => (
        <li key={product.id} className="flex">
          <div className="w-full">
            <ProductCard product={product} eager={index < 4} action={renderAction?.(product)} />
          </div>
        </li>
      ))}
    </ul>
  );
});

export function ProductGridSkeleton({ count = 8 }: { count?: number }) {
  return (
    <div aria-hidden="true" className="grid grid-cols-2 gap-x-4 gap-y-8 sm:grid-cols-3 xl:grid-cols-4">
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="flex flex-col gap-3">
          <Skeleton className="aspect-[4/5] rounded-[var(--radius-card)]" />
          <Skeleton className="h-5 w-3/4" />
          <Skeleton className="h-5 w-1/3" />
        </div>
      ))}
    </div>
  );
}
