import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { language } from '@/lib/i18n';

export type ProductPage = ApiResponse<'/api/v1/products', 'get'>;
/** The list query language of GET /products: page, page_size, sort, q and field filters. */
export type ProductQuery = Record<string, string | number | undefined>;

export async function getProducts(query: ProductQuery, signal?: AbortSignal): Promise<ProductPage> {
  const { data } = await api.get<ProductPage>('/products', { params: query, signal });
  return data;
}

export const productsQueryOptions = (query: ProductQuery) =>
  queryOptions({
    queryKey: ['products', language(), query],
    queryFn: ({ signal }) => getProducts(query, signal),
  });

export function useProducts(query: ProductQuery, { enabled = true }: { enabled?: boolean } = {}) {
  // The previous page stays on screen while the next loads: no blank grid, no layout jump.
  return useQuery({ ...productsQueryOptions(query), enabled, placeholderData: keepPreviousData });
}
