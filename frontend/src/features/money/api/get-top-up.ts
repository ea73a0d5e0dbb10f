import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { TopUp } from '@/lib/api-types';

export async function getTopUp(accountId: number, topUpId: number, signal?: AbortSignal): Promise<TopUp> {
  const { data } = await api.get<TopUp>(`/accounts/${accountId}/top-ups/${topUpId}`, { signal });
  return data;
}

export const topUpQueryOptions = (accountId: number, topUpId: number) =>
  queryOptions({
    queryKey: ['accounts', accountId, 'top-ups', topUpId],
    queryFn: ({ signal }) => getTopUp(accountId, topUpId, signal),
    staleTime: 0,
    meta: { private: true },
  });

/** A top-up, asked again every second while the provider's webhook has not settled it. */
export function useTopUp(accountId: number | undefined, topUpId: number) {
  return useQuery({
    ...topUpQueryOptions(accountId ?? 0, topUpId),
    enabled: Boolean(accountId) && Number.isSafeInteger(topUpId) && topUpId > 0,
    refetchInterval: (query) => (query.state.data?.status === 'pending' && query.state.dataUpdateCount < 120 ? 1000 : false),
  });
}
