import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Cart } from '@/lib/api-types';
import { fromCents, toCents } from '@/lib/money';
import { CART_QUERY_KEY } from './get-cart';

export type UpdateCartItemInput = { itemId: number; quantity: number };

export async function updateCartItem({ itemId, quantity }: UpdateCartItemInput): Promise<Cart> {
  const { data } = await api.patch<Cart>(`/cart/items/${itemId}`, { quantity });
  return data;
}

/** The cart with one line's quantity changed (or the line gone), totals as the API computes them. */
export function withQuantity(cart: Cart, itemId: number, quantity: number | null): Cart {
  const items = cart.items.flatMap((line) => {
    if (line.id !== itemId) return [line];
    if (quantity === null) return [];
    const lineTotal = line.unit_price === null ? null : fromCents(toCents(line.unit_price) * quantity);
    return [{ ...line, quantity, line_total: lineTotal }];
  });
  const orderable = items.filter((line) => line.available);
  return {
    ...cart,
    items,
    item_count: orderable.reduce((sum, line) => sum + line.quantity, 0),
    total: fromCents(orderable.reduce((sum, line) => sum + toCents(line.line_total ?? 0), 0)),
  };
}

/** Optimistic: the new quantity shows at once and goes back if the API refuses. */
export function useUpdateCartItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['cart', 'change'],
    // One change after another: the last quantity chosen is the one the server keeps.
    scope: { id: 'cart' },
    mutationFn: updateCartItem,
    onMutate: async ({ itemId, quantity }) => {
      await queryClient.cancelQueries({ queryKey: CART_QUERY_KEY, exact: true });
      const previous = queryClient.getQueryData<Cart>(CART_QUERY_KEY);
      if (previous) queryClient.setQueryData(CART_QUERY_KEY, withQuantity(previous, itemId, quantity));
      return { previous };
    },
    onError: (_error, _input, context) => {
      if (context?.previous) queryClient.setQueryData(CART_QUERY_KEY, context.previous);
    },
    onSuccess: (cart) => {
      // A later change still under way keeps its optimistic quantity on screen.
      if (queryClient.isMutating({ mutationKey: ['cart', 'change'] }) <= 1) queryClient.setQueryData(CART_QUERY_KEY, cart);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['cart', 'availability'] }),
  });
}

// The options (issue 24) are the cart helper's contract (PATCH /cart/items/{id} with variant_id and modifier_ids).
export type ChangeCartItemOptionsInput = { itemId: number; variant_id: number; modifier_ids: number[] };

/** Changes a line's options in one request; a configuration another line has joins that line (the server merges). */
export async function changeCartItemOptions({ itemId, ...options }: ChangeCartItemOptionsInput): Promise<Cart> {
  const { data } = await api.patch<Cart>(`/cart/items/${itemId}`, options);
  return data;
}

export function useChangeCartItemOptions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['cart', 'change'],
    scope: { id: 'cart' },
    mutationFn: changeCartItemOptions,
    onSuccess: (cart) => queryClient.setQueryData(CART_QUERY_KEY, cart),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['cart', 'availability'] }),
  });
}
