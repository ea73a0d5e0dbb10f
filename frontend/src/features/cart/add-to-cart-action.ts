import type { QueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { paths } from '@/config/paths';
import type { Product } from '@/lib/api-types';
import { toApiError } from '@/lib/api-error';
import { loadTexts } from '@/lib/i18n';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';
import { addCartItem } from './api/add-cart-item';
import { CART_QUERY_KEY } from './api/get-cart';
import type { CartOwner } from './cart-owner';
import { MAX_QUANTITY, addToGuestCart } from './guest-cart';

/** `has_options` (list items): it needs choosing first, so a card links to its page instead of adding. */
export type AddableProduct = Pick<Product, 'id' | 'name' | 'slug' | 'price' | 'currency' | 'images'> & Partial<Pick<Product, 'has_options'>>;

/** What was chosen on the product page (issue 24); none: the product's first variant with the defaults. */
export type ChosenOptions = {
  variantId: number | null;
  modifierIds: number[];
  /** The variant's name ("Large"), "" for a product's only variant. */
  variantName: string;
  /** The options in words, kept with a guest's line ("Large · Oat, Extra shot"). */
  text: string;
  /** The unit price shown for the choice, kept with a guest's line (the server prices it again). */
  unitPrice: string;
};

const named = (name: string, options: ChosenOptions | undefined) => (options?.text ? `${name} (${options.text})` : name);

/**
 * Adds to the customer's cart (signed in) or to this browser's (guest) and says so at once.
 * Loaded on the first click of a card's button, so the catalog's first load does not carry it.
 */
export async function addToCart(
  product: AddableProduct,
  quantity: number,
  { owner, queryClient, t, options }: { owner: CartOwner; queryClient: QueryClient; t: TFunction; options?: ChosenOptions | undefined },
): Promise<boolean> {
  // What adding says (added, capped, the cart's limits) comes with the shop's texts.
  await loadTexts('shop').catch(() => undefined);
  const view = { label: t('cart.view'), to: paths.cart };
  if (owner === 'guest') {
    const outcome = addToGuestCart(
      {
        product_id: product.id,
        variant_id: options?.variantId ?? null,
        modifier_ids: options?.modifierIds ?? [],
        variant_name: options?.variantName ?? '',
        options: options?.text ?? '',
        name: product.name,
        slug: product.slug,
        price: options?.unitPrice ?? product.price,
        currency: product.currency ?? '',
        image_url: product.images[0]?.url ?? null,
      },
      quantity,
    );
    if (outcome.full) {
      notify({ tone: 'error', text: t('cart.full') });
      return false;
    }
    notify({
      tone: outcome.capped ? 'info' : 'success',
      text: outcome.capped ? t('cart.capped', { name: named(product.name, options), count: outcome.quantity }) : t('cart.added', { name: named(product.name, options), count: quantity }),
      action: view,
    });
    return true;
  }
  try {
    queryClient.setQueryData(CART_QUERY_KEY, await addCartItem(
        options?.variantId ? { product_id: product.id, quantity, variant_id: options.variantId, modifier_ids: options.modifierIds } : { product_id: product.id, quantity },
      ));
    void queryClient.invalidateQueries({ queryKey: ['cart', 'availability'] });
    notify({ tone: 'success', text: t('cart.added', { name: named(product.name, options), count: quantity }), action: view });
    return true;
  } catch (error) {
    const problem = toApiError(error);
    const limit = problem.code === 'cart_quantity_limit';
    notify({
      tone: 'error',
      text: limit ? t('cart.limit', { name: product.name, count: Number(problem.data.limit) || MAX_QUANTITY }) : problemMessage(t, problem),
      action: limit ? view : undefined,
    });
    return false;
  }
}
