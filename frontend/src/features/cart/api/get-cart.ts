import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Cart } from '@/lib/api-types';

export const CART_QUERY_KEY = ['cart'] as const;

export async function getCart(signal?: AbortSignal): Promise<Cart> {
  const { data } = await api.get<Cart>('/cart', { signal });
  return data;
}

export const cartQueryOptions = () =>
  queryOptions({ queryKey: CART_QUERY_KEY, queryFn: ({ signal }) => getCart(signal), staleTime: 30_000, meta: { private: true } });

/** The signed-in customer's cart (off for a guest, whose cart is in this browser). */
export function useCart({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...cartQueryOptions(), enabled });
}
