import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, Cart } from '@/lib/api-types';
import { CART_QUERY_KEY } from './get-cart';

export type AddCartItemInput = ApiBody<'/api/v1/cart/items', 'post'>;

export async function addCartItem(input: AddCartItemInput): Promise<Cart> {
  const { data } = await api.post<Cart>('/cart/items', input);
  return data;
}

export function useAddCartItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addCartItem,
    onSuccess: (cart) => {
      queryClient.setQueryData(CART_QUERY_KEY, cart);
      void queryClient.invalidateQueries({ queryKey: ['cart', 'availability'] });
    },
  });
}
