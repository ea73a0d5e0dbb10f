import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import type { Product } from '@/lib/api-types';
import { toApiError } from '@/lib/api-error';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';
import { useAddCartItem } from '../api/add-cart-item';
import { useCartOwner } from '../cart-owner';
import { MAX_QUANTITY, addToGuestCart } from '../guest-cart';
import { QuantityInput } from './quantity-input';

export type AddableProduct = Pick<Product, 'id' | 'name' | 'slug' | 'price' | 'currency' | 'images'>;

/** Adds to the customer's cart (signed in) or this browser's (guest), and says so at once. */
function useAddToCart() {
  const { t } = useTranslation();
  const owner = useCartOwner();
  const addItem = useAddCartItem();
  const [added, setAdded] = useState(false);
  useEffect(() => {
    if (!added) return;
    const timer = setTimeout(() => setAdded(false), 2500);
    return () => clearTimeout(timer);
  }, [added]);

  const view = { label: t('cart.view'), to: paths.cart };
  const add = async (product: AddableProduct, quantity: number) => {
    if (owner === 'guest') {
      const outcome = addToGuestCart(
        {
          product_id: product.id,
          name: product.name,
          slug: product.slug,
          price: product.price,
          currency: product.currency ?? '',
          image_url: product.images[0]?.url ?? null,
        },
        quantity,
      );
      if (outcome.full) return notify({ tone: 'error', text: t('cart.full') });
      setAdded(true);
      notify({
        tone: outcome.capped ? 'info' : 'success',
        text: outcome.capped ? t('cart.capped', { name: product.name, count: outcome.quantity }) : t('cart.added', { name: product.name, count: quantity }),
        action: view,
      });
      return;
    }
    try {
      await addItem.mutateAsync({ product_id: product.id, quantity });
      setAdded(true);
      notify({ tone: 'success', text: t('cart.added', { name: product.name, count: quantity }), action: view });
    } catch (error) {
      const problem = toApiError(error);
      notify({
        tone: 'error',
        text: problem.code === 'cart_quantity_limit' ? t('cart.limit', { name: product.name, count: Number(problem.data.limit) || MAX_QUANTITY }) : problemMessage(t, problem),
        action: problem.code === 'cart_quantity_limit' ? view : undefined,
      });
    }
  };
  return { add, added, pending: addItem.isPending, ready: owner !== 'unknown' };
}

/** One unit, from a product card. */
export function AddToCartButton({ product }: { product: AddableProduct }) {
  const { t } = useTranslation();
  const { add, added, pending, ready } = useAddToCart();
  return (
    <Button
      variant="secondary"
      className="relative z-10 w-full px-3"
      pending={pending}
      disabled={!ready}
      aria-label={t('cart.addNamed', { name: product.name })}
      onClick={() => void add(product, 1)}
    >
      {added ? `✓ ${t('cart.addedShort')}` : t('cart.add')}
    </Button>
  );
}

/** A quantity and the button, on the product page. */
export function AddToCart({ product }: { product: AddableProduct }) {
  const { t } = useTranslation();
  const { add, added, pending, ready } = useAddToCart();
  const [quantity, setQuantity] = useState(1);
  return (
    <div className="flex flex-wrap items-end gap-3">
      <QuantityInput label={t('cart.quantity')} value={quantity} onChange={setQuantity} max={MAX_QUANTITY} />
      <Button pending={pending} disabled={!ready} onClick={() => void add(product, quantity)} className="min-w-40">
        {added ? `✓ ${t('cart.addedShort')}` : t('cart.add')}
      </Button>
    </div>
  );
}
