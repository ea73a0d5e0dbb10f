import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { CartAvailability } from '@/lib/api-types';

export async function getCartAvailability(signal?: AbortSignal): Promise<CartAvailability> {
  const { data } = await api.get<CartAvailability>('/cart/availability', { signal });
  return data;
}

/** Every store, whether it has the whole signed-in cart now and what it is short of: one request. */
export const cartAvailabilityQueryOptions = () =>
  queryOptions({
    queryKey: ['cart', 'availability'],
    queryFn: ({ signal }) => getCartAvailability(signal),
    staleTime: 15_000,
    meta: { private: true },
  });

export function useCartAvailability({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...cartAvailabilityQueryOptions(), enabled });
}
