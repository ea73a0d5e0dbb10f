import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { language } from '@/lib/i18n';

type CategoryPage = ApiResponse<'/api/v1/categories', 'get'>;

/** Every category (a shop has dozens, not thousands: one page of 100 holds them). */
export async function getCategories({ signal }: { signal?: AbortSignal } = {}): Promise<CategoryPage['items']> {
  const { data } = await api.get<CategoryPage>('/categories', { params: { page_size: 100 }, signal });
  return data.items;
}

export const categoriesQueryOptions = () =>
  queryOptions({ queryKey: ['categories', language()], queryFn: ({ signal }) => getCategories({ signal }), staleTime: 10 * 60_000 });

export function useCategories() {
  return useQuery(categoriesQueryOptions());
}
