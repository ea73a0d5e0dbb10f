import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';

type StorePage = ApiResponse<'/api/v1/stores', 'get'>;

export async function getStores(signal?: AbortSignal): Promise<StorePage['items']> {
  const { data } = await api.get<StorePage>('/stores', { params: { page_size: 100 }, signal });
  return data.items;
}

// open_now changes with the clock: refetch every few minutes while the page is open.
export const storesQueryOptions = () =>
  queryOptions({ queryKey: ['stores'], queryFn: ({ signal }) => getStores(signal), refetchInterval: 5 * 60_000 });

export function useStores() {
  return useQuery(storesQueryOptions());
}
