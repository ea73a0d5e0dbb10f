import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Product } from '@/lib/api-types';
import { language } from '@/lib/i18n';

export async function getProduct(slug: string, signal?: AbortSignal): Promise<Product> {
  const { data } = await api.get<Product>(`/products/${encodeURIComponent(slug)}`, { signal });
  return data;
}

export const productQueryOptions = (slug: string) =>
  queryOptions({ queryKey: ['product', language(), slug], queryFn: ({ signal }) => getProduct(slug, signal) });

export function useProduct(slug: string) {
  return useQuery(productQueryOptions(slug));
}
