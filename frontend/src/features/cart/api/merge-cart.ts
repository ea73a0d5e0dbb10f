import type { QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, CartMergeResult } from '@/lib/api-types';
import { clearGuestCart, readGuestCart, type GuestLine } from '../guest-cart';
import { CART_QUERY_KEY } from './get-cart';

/** The guest lines, each with its configuration (issue 24): variant and modifiers are optional. */
export type MergeCartInput = ApiBody<'/api/v1/cart/merge', 'post'>;

export async function mergeCart(input: MergeCartInput): Promise<CartMergeResult> {
  const { data } = await api.post<CartMergeResult>('/cart/merge', input);
  return data;
}

type MergeOutcome = { merged: GuestLine[]; result: CartMergeResult } | null;
let running: Promise<unknown> | null = null;

/**
 * Moves the cart kept in this browser into the customer's cart, once. The merge adds
 * quantities, so it must never run twice for the same lines: one run at a time in this tab,
 * one across tabs (Web Locks, where the browser has them), the lines read inside the lock,
 * and the browser's cart cleared as soon as the merge succeeded.
 */
export function mergeGuestCart(queryClient: QueryClient): Promise<MergeOutcome> {
  const run = async (): Promise<MergeOutcome> => {
    const lines = readGuestCart();
    if (!lines.length) return null;
    // Each line's configuration goes along (a line without a variant: the product's first, with the defaults).
    const result = await mergeCart({
      items: lines.map(({ product_id, quantity, variant_id, modifier_ids }) => (variant_id === null ? { product_id, quantity } : { product_id, quantity, variant_id, modifier_ids })),
    });
    clearGuestCart();
    // A read of the cart sent before the merge (the header's badge, the page) must not land
    // after this answer and show the cart as it was: it is cancelled, the merged cart is kept.
    await queryClient.cancelQueries({ queryKey: CART_QUERY_KEY, exact: true });
    queryClient.setQueryData(CART_QUERY_KEY, result.cart);
    void queryClient.invalidateQueries({ queryKey: ['cart', 'availability'] });
    return { merged: lines, result };
  };
  // A second call while one runs (React's strict mode runs effects twice) joins nothing: null.
  if (running) return Promise.resolve(null);
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // The lock's promise settles with the callback's own result.
  const started = (locks ? locks.request('shop.cart-merge', run) : run()) as Promise<MergeOutcome>;
  running = started.finally(() => {
    running = null;
  });
  return started;
}
