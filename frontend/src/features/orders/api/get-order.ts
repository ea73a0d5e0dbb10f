import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { orderKeyHeaders } from '@/lib/order-key';
import type { OrderDetail } from '@/lib/api-types';

export async function getOrder(orderId: number, signal?: AbortSignal): Promise<OrderDetail> {
  const { data } = await api.get<OrderDetail>(`/orders/${orderId}`, { signal, headers: orderKeyHeaders(orderId) });
  return data;
}

export const orderQueryOptions = (orderId: number) =>
  queryOptions({ queryKey: ['orders', 'detail', orderId], queryFn: ({ signal }) => getOrder(orderId, signal), meta: { private: true } });

/** `refetchInterval`: read it again every so often while it says so (e.g. a card payment being confirmed). */
export function useOrder(orderId: number, { refetchInterval }: { refetchInterval?: (order: OrderDetail | undefined) => number | false } = {}) {
  return useQuery({
    ...orderQueryOptions(orderId),
    enabled: Number.isSafeInteger(orderId) && orderId > 0,
    refetchInterval: refetchInterval ? (query) => refetchInterval(query.state.data) : false,
  });
}
