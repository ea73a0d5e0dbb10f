import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { addToCart, type AddableProduct } from '../add-to-cart-action';
import { useCartOwner } from '../cart-owner';
import { MAX_QUANTITY } from '../guest-cart';
import { QuantityInput } from './quantity-input';

/** A quantity and "Add to cart", on the product page. */
export function AddToCart({ product }: { product: AddableProduct }) {
  const { t } = useTranslation();
  const owner = useCartOwner();
  const queryClient = useQueryClient();
  const [quantity, setQuantity] = useState(1);
  const [state, setState] = useState<'idle' | 'pending' | 'added'>('idle');
  useEffect(() => {
    if (state !== 'added') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const add = async () => {
    setState('pending');
    setState((await addToCart(product, quantity, { owner, queryClient, t })) ? 'added' : 'idle');
  };
  return (
    <div className="flex flex-wrap items-end gap-3">
      <QuantityInput label={t('cart.quantity')} value={quantity} onChange={setQuantity} max={MAX_QUANTITY} />
      <Button pending={state === 'pending'} disabled={owner === 'unknown'} onClick={() => void add()} className="min-w-40">
        {state === 'added' ? `✓ ${t('cart.addedShort')}` : t('cart.add')}
      </Button>
    </div>
  );
}
