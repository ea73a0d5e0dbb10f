import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, inLanguage } from '@/lib/api-client';
import type { Product } from '@/lib/api-types';
import { currentLanguage, useLanguage } from '@/lib/i18n';

export async function getProduct(slug: string, signal?: AbortSignal, language: string = currentLanguage()): Promise<Product> {
  const { data } = await api.get<Product>(`/products/${encodeURIComponent(slug)}`, { signal, ...inLanguage(language) });
  return data;
}

export const productQueryOptions = (slug: string, language: string = currentLanguage()) =>
  queryOptions({ queryKey: ['product', language, slug], queryFn: ({ signal }) => getProduct(slug, signal, language) });

export function useProduct(slug: string) {
  return useQuery(productQueryOptions(slug, useLanguage()));
}
