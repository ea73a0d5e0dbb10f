import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { orderKeyHeaders } from '@/lib/order-key';
import type { OrderDetail } from '@/lib/api-types';
import { orderQueryOptions } from './get-order';

export async function cancelOrder(orderId: number): Promise<OrderDetail> {
  const { data } = await api.post<OrderDetail>(`/orders/${orderId}/cancel`, undefined, { headers: orderKeyHeaders(orderId) });
  return data;
}

export function useCancelOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelOrder,
    onSuccess: (order) => {
      queryClient.setQueryData(orderQueryOptions(order.id).queryKey, order);
      void queryClient.invalidateQueries({ queryKey: ['orders', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
}
