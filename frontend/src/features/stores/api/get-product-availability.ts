import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';

type Availability = ApiResponse<'/api/v1/products/{product_id}/availability', 'get'>[number];

export async function getProductAvailability(productId: number, signal?: AbortSignal): Promise<Availability[]> {
  const { data } = await api.get<Availability[]>(`/products/${productId}/availability`, { signal });
  return data;
}

export const productAvailabilityQueryOptions = (productId: number) =>
  queryOptions({
    queryKey: ['product', productId, 'availability'],
    queryFn: ({ signal }) => getProductAvailability(productId, signal),
    staleTime: 30_000,
  });

export function useProductAvailability(productId: number) {
  return useQuery(productAvailabilityQueryOptions(productId));
}
