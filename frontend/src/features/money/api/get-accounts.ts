import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Account } from '@/lib/api-types';

export async function getAccounts(signal?: AbortSignal): Promise<Account[]> {
  const { data } = await api.get<Account[]>('/accounts', { signal });
  return data;
}

export const accountsQueryOptions = () =>
  queryOptions({ queryKey: ['accounts'], queryFn: ({ signal }) => getAccounts(signal), staleTime: 10_000, meta: { private: true } });

/** The customer's money accounts; every customer has one, in the shop's currency. */
export function useAccounts({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...accountsQueryOptions(), enabled });
}
