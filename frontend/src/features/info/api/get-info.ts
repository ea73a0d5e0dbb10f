import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ShopInfo } from '@/lib/api-types';
import { language } from '@/lib/i18n';

export async function getInfo(): Promise<ShopInfo> {
  const { data } = await api.get<ShopInfo>('/info');
  return data;
}

export const infoQueryOptions = () =>
  queryOptions({ queryKey: ['info', language()], queryFn: getInfo, staleTime: 10 * 60_000 });

export function useInfo() {
  return useQuery(infoQueryOptions());
}
