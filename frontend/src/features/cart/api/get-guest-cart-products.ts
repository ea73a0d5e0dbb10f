import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, inLanguage } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { currentLanguage, useLanguage } from '@/lib/i18n';

type ProductPage = ApiResponse<'/api/v1/products', 'get'>;
export type CurrentProduct = ProductPage['items'][number];

/** The current name, price and picture of the guest cart's products, in one request; a product no longer sold is missing. */
export async function getGuestCartProducts(ids: number[], signal?: AbortSignal, language: string = currentLanguage()): Promise<CurrentProduct[]> {
  const { data } = await api.get<ProductPage>('/products', { params: { id__in: ids.join(','), page_size: 100 }, signal, ...inLanguage(language) });
  return data.items;
}

export const guestCartProductsQueryOptions = (ids: number[], language: string = currentLanguage()) =>
  queryOptions({
    queryKey: ['guest-cart', 'products', language, ids],
    queryFn: ({ signal }) => getGuestCartProducts(ids, signal, language),
    staleTime: 60_000,
  });

export function useGuestCartProducts(ids: number[], { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...guestCartProductsQueryOptions(ids, useLanguage()), enabled: enabled && ids.length > 0, placeholderData: keepPreviousData });
}
