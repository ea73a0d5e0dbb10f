import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { OrderPage } from '@/lib/api-types';

export type OrdersQuery = { page: number; status?: string; status__in?: string; page_size?: number };

export async function getOrders(query: OrdersQuery, signal?: AbortSignal): Promise<OrderPage> {
  const { data } = await api.get<OrderPage>('/orders', { params: { page_size: 10, ...query }, signal });
  return data;
}

export const ordersQueryOptions = (query: OrdersQuery) =>
  queryOptions({ queryKey: ['orders', 'list', query], queryFn: ({ signal }) => getOrders(query, signal), meta: { private: true } });

export function useOrders(query: OrdersQuery) {
  return useQuery({ ...ordersQueryOptions(query), placeholderData: keepPreviousData });
}
