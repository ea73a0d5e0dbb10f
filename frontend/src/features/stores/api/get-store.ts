import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Store } from '@/lib/api-types';

export async function getStore(storeId: number, signal?: AbortSignal): Promise<Store> {
  const { data } = await api.get<Store>(`/stores/${storeId}`, { signal });
  return data;
}

export const storeQueryOptions = (storeId: number) =>
  queryOptions({ queryKey: ['store', storeId], queryFn: ({ signal }) => getStore(storeId, signal), refetchInterval: 5 * 60_000 });

export function useStore(storeId: number, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...storeQueryOptions(storeId), enabled });
}
