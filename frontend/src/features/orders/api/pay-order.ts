import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { OrderDetail } from '@/lib/api-types';
import { orderQueryOptions } from './get-order';

export async function payOrder({ orderId, accountId }: { orderId: number; accountId: number }): Promise<OrderDetail> {
  const { data } = await api.post<OrderDetail>(`/orders/${orderId}/pay`, { account_id: accountId });
  return data;
}

/** Pays an order placed "at pickup" from the balance after all. */
export function usePayOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: payOrder,
    onSuccess: (order) => {
      queryClient.setQueryData(orderQueryOptions(order.id).queryKey, order);
      void queryClient.invalidateQueries({ queryKey: ['orders', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
}
