import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { language } from '@/lib/i18n';

export type AssortmentPage = ApiResponse<'/api/v1/stores/{store_id}/products', 'get'>;

export async function getStoreProducts(
  storeId: number,
  query: Record<string, string | number | undefined>,
  signal?: AbortSignal,
): Promise<AssortmentPage> {
  const { data } = await api.get<AssortmentPage>(`/stores/${storeId}/products`, { params: query, signal });
  return data;
}

export const storeProductsQueryOptions = (storeId: number, query: Record<string, string | number | undefined>) =>
  queryOptions({
    queryKey: ['store', storeId, 'products', language(), query],
    queryFn: ({ signal }) => getStoreProducts(storeId, query, signal),
  });

// The store page lists what a customer can buy there: lines with stock left (the API's list
// keeps sold-out rows for staff, who set stock from it).
export function useStoreProducts(storeId: number, query: Record<string, string | number | undefined>) {
  return useQuery({ ...storeProductsQueryOptions(storeId, { ...query, quantity__gte: 1 }), placeholderData: keepPreviousData });
}
