import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, CartAvailability } from '@/lib/api-types';

export type GuestCartItems = ApiBody<'/api/v1/stores/availability', 'post'>['items'];

export async function getGuestCartAvailability(items: GuestCartItems, signal?: AbortSignal): Promise<CartAvailability> {
  const { data } = await api.post<CartAvailability>('/stores/availability', { items }, { signal });
  return data;
}

/** The same answer as for a signed-in cart, for the lines kept in this browser. */
export const guestCartAvailabilityQueryOptions = (items: GuestCartItems) =>
  queryOptions({
    queryKey: ['guest-cart', 'availability', items],
    queryFn: ({ signal }) => getGuestCartAvailability(items, signal),
    staleTime: 15_000,
  });

export function useGuestCartAvailability(items: GuestCartItems, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...guestCartAvailabilityQueryOptions(items), enabled: enabled && items.length > 0, placeholderData: keepPreviousData });
}
