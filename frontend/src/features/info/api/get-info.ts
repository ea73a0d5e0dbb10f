import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, inLanguage } from '@/lib/api-client';
import type { ShopInfo } from '@/lib/api-types';
import { currentLanguage, useLanguage } from '@/lib/i18n';

export async function getInfo(language: string = currentLanguage()): Promise<ShopInfo> {
  const { data } = await api.get<ShopInfo>('/info', inLanguage(language));
  return data;
}

/** The shop's name, contacts, stores and its terms in `language`. */
export const infoQueryOptions = (language: string = currentLanguage()) =>
  queryOptions({ queryKey: ['info', language], queryFn: () => getInfo(language), staleTime: 10 * 60_000 });

export function useInfo() {
  return useQuery(infoQueryOptions(useLanguage()));
}
