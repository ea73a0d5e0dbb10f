import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { language } from '@/lib/i18n';

type ProductPage = ApiResponse<'/api/v1/products', 'get'>;
export type CurrentProduct = ProductPage['items'][number];

/** The current name, price and picture of the guest cart's products, in one request; a product no longer sold is missing. */
export async function getGuestCartProducts(ids: number[], signal?: AbortSignal): Promise<CurrentProduct[]> {
  const { data } = await api.get<ProductPage>('/products', { params: { id__in: ids.join(','), page_size: 100 }, signal });
  return data.items;
}

export const guestCartProductsQueryOptions = (ids: number[]) =>
  queryOptions({
    queryKey: ['guest-cart', 'products', language(), ids],
    queryFn: ({ signal }) => getGuestCartProducts(ids, signal),
    staleTime: 60_000,
  });

export function useGuestCartProducts(ids: number[], { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...guestCartProductsQueryOptions(ids), enabled: enabled && ids.length > 0, placeholderData: keepPreviousData });
}
