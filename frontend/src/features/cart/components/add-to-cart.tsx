import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { addToCart, type AddableProduct, type ChosenOptions } from '../add-to-cart-action';
import { useCartOwner } from '../cart-owner';
import { MAX_QUANTITY } from '../guest-cart';
import { QuantityInput } from './quantity-input';

/** Adding to the cart with its short "Added" state. */
function useAdd(product: AddableProduct) {
  const { t } = useTranslation();
  const owner = useCartOwner();
  const queryClient = useQueryClient();
  const [state, setState] = useState<'idle' | 'pending' | 'added'>('idle');
  useEffect(() => {
    if (state !== 'added') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const add = async (quantity: number, options: ChosenOptions | undefined) => {
    setState('pending');
    setState((await addToCart(product, quantity, { owner, queryClient, t, options })) ? 'added' : 'idle');
  };
  return { state, add, ready: owner !== 'unknown' };
}

type AddToCartProps = {
  product: AddableProduct;
  /** The configuration chosen on the page (issue 24); none: the product's first variant with the defaults. */
  options?: ChosenOptions | undefined;
  /** The choice does not fit (a group's limits): adding shows why instead (`onBlocked`). */
  blocked?: boolean;
  onBlocked?: () => void;
  quantity?: number;
  onQuantity?: (quantity: number) => void;
};

/** A quantity and "Add to cart", on the product page. */
export function AddToCart({ product, options, blocked = false, onBlocked, quantity: given, onQuantity }: AddToCartProps) {
  const { t } = useTranslation();
  const { state, add, ready } = useAdd(product);
  const [own, setOwn] = useState(1);
  const quantity = given ?? own;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <QuantityInput label={t('cart.quantity')} value={quantity} onChange={onQuantity ?? setOwn} max={MAX_QUANTITY} />
      <Button pending={state === 'pending'} disabled={!ready} onClick={() => (blocked ? onBlocked?.() : void add(quantity, options))} className="min-w-40">
        {state === 'added' ? `✓ ${t('cart.addedShort')}` : t('cart.add')}
      </Button>
    </div>
  );
}

/**
 * One variant's own "Add" beside it in the choice (a large oat flat white with an extra shot:
 * Oat, Extra shot, then "Add" at Large: three taps).
 */
export function AddVariantButton({ product, options, label, quantity, blocked = false, onBlocked }: AddToCartProps & { options: ChosenOptions; label: string; quantity: number }) {
  const { t } = useTranslation();
  const { state, add, ready } = useAdd(product);
  return (
    <Button
      variant="secondary"
      className="shrink-0 px-4"
      pending={state === 'pending'}
      disabled={!ready}
      aria-label={label}
      onClick={() => (blocked ? onBlocked?.() : void add(quantity, options))}
    >
      {state === 'added' ? '✓' : t('cart.addShort')}
    </Button>
  );
}
