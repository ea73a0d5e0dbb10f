import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Cart } from '@/lib/api-types';
import { CART_QUERY_KEY } from './get-cart';
import { withQuantity } from './update-cart-item';

export async function removeCartItem(itemId: number): Promise<void> {
  await api.delete(`/cart/items/${itemId}`);
}

/** Optimistic: the line leaves at once and comes back if the API refuses. */
export function useRemoveCartItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['cart', 'change'],
    scope: { id: 'cart' },
    mutationFn: removeCartItem,
    onMutate: async (itemId) => {
      await queryClient.cancelQueries({ queryKey: CART_QUERY_KEY, exact: true });
      const previous = queryClient.getQueryData<Cart>(CART_QUERY_KEY);
      if (previous) queryClient.setQueryData(CART_QUERY_KEY, withQuantity(previous, itemId, null));
      return { previous };
    },
    onError: (_error, _itemId, context) => {
      if (context?.previous) queryClient.setQueryData(CART_QUERY_KEY, context.previous);
    },
    onSettled: () => {
      if (queryClient.isMutating({ mutationKey: ['cart', 'change'] }) <= 1) void queryClient.invalidateQueries({ queryKey: CART_QUERY_KEY });
    },
  });
}
