import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, inLanguage } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { currentLanguage, useLanguage } from '@/lib/i18n';

type CategoryPage = ApiResponse<'/api/v1/categories', 'get'>;

/** Every category (a shop has dozens, not thousands: one page of 100 holds them), named in `language`. */
export async function getCategories({ signal, language = currentLanguage() }: { signal?: AbortSignal; language?: string } = {}): Promise<CategoryPage['items']> {
  const { data } = await api.get<CategoryPage>('/categories', { params: { page_size: 100 }, signal, ...inLanguage(language) });
  return data.items;
}

export const categoriesQueryOptions = (language: string = currentLanguage()) =>
  queryOptions({ queryKey: ['categories', language], queryFn: ({ signal }) => getCategories({ signal, language }), staleTime: 10 * 60_000 });

export function useCategories() {
  return useQuery(categoriesQueryOptions(useLanguage()));
}
