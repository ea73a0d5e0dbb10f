import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, inLanguage } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { currentLanguage, useLanguage } from '@/lib/i18n';

export type ProductPage = ApiResponse<'/api/v1/products', 'get'>;
/** The list query language of GET /products: page, page_size, sort, q and field filters. */
export type ProductQuery = Record<string, string | number | undefined>;

export async function getProducts(query: ProductQuery, signal?: AbortSignal, language: string = currentLanguage()): Promise<ProductPage> {
  const { data } = await api.get<ProductPage>('/products', { params: query, signal, ...inLanguage(language) });
  return data;
}

export const productsQueryOptions = (query: ProductQuery, language: string = currentLanguage()) =>
  queryOptions({
    queryKey: ['products', language, query],
    queryFn: ({ signal }) => getProducts(query, signal, language),
  });

export function useProducts(query: ProductQuery, { enabled = true }: { enabled?: boolean } = {}) {
  // The previous page stays on screen while the next loads: no blank grid, no layout jump.
  return useQuery({ ...productsQueryOptions(query, useLanguage()), enabled, placeholderData: keepPreviousData });
}
