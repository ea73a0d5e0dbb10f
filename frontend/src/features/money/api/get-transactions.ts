import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { TransactionPage } from '@/lib/api-types';

export type TransactionsQuery = { page?: number; page_size?: number; order_id?: number; kind?: string };

export async function getTransactions(accountId: number, query: TransactionsQuery, signal?: AbortSignal): Promise<TransactionPage> {
  const { data } = await api.get<TransactionPage>(`/accounts/${accountId}/transactions`, { params: { page_size: 10, ...query }, signal });
  return data;
}

export const transactionsQueryOptions = (accountId: number, query: TransactionsQuery) =>
  queryOptions({
    queryKey: ['accounts', accountId, 'transactions', query],
    queryFn: ({ signal }) => getTransactions(accountId, query, signal),
    meta: { private: true },
  });

export function useTransactions(accountId: number | undefined, query: TransactionsQuery) {
  return useQuery({ ...transactionsQueryOptions(accountId ?? 0, query), enabled: Boolean(accountId), placeholderData: keepPreviousData });
}
