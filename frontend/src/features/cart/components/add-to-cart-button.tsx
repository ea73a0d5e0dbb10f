import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button, buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import type { AddableProduct } from '../add-to-cart-action';
import { useCartOwner } from '../cart-owner';

const loadAction = () => import('../add-to-cart-action');

/**
 * "Add to cart" on a product card: one unit. What adding does is loaded when the customer
 * points at or focuses a button (at the latest on the click), not with the catalog.
 * A product that needs choosing (sizes, a milk) is never added blindly: "Choose" opens its page.
 */
export function AddToCartButton({ product }: { product: AddableProduct }) {
  const { t } = useTranslation();
  if (product.has_options) {
    return (
      <Link to={paths.product(product.slug)} className={buttonClasses('secondary', 'relative z-10 w-full px-3')} aria-label={t('cart.chooseNamed', { name: product.name })}>
        {t('cart.choose')}
      </Link>
    );
  }
  return <AddButton product={product} />;
}

function AddButton({ product }: { product: AddableProduct }) {
  const { t } = useTranslation();
  const owner = useCartOwner();
  const queryClient = useQueryClient();
  const [state, setState] = useState<'idle' | 'pending' | 'added'>('idle');
  useEffect(() => {
    if (state !== 'added') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const add = async () => {
    setState('pending');
    try {
      const { addToCart } = await loadAction();
      setState((await addToCart(product, 1, { owner, queryClient, t })) ? 'added' : 'idle');
    } catch {
      setState('idle');
    }
  };
  return (
    <Button
      variant="secondary"
      className="relative z-10 w-full px-3"
      pending={state === 'pending'}
      disabled={owner === 'unknown'}
      aria-label={t('cart.addNamed', { name: product.name })}
      onPointerEnter={() => void loadAction()}
      onFocus={() => void loadAction()}
      onClick={() => void add()}
    >
      {state === 'added' ? `✓ ${t('cart.addedShort')}` : t('cart.add')}
    </Button>
  );
}
