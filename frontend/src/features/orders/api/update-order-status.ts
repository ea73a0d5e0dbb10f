import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { OrderDetail, OrderStatus } from '@/lib/api-types';
import { orderQueryOptions } from './get-order';

/** Staff move an order one step along its status machine (the API refuses any other). */
export async function updateOrderStatus({ orderId, status }: { orderId: number; status: OrderStatus }): Promise<OrderDetail> {
  const { data } = await api.patch<OrderDetail>(`/orders/${orderId}`, { status });
  return data;
}

export function useUpdateOrderStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateOrderStatus,
    onSuccess: (order) => queryClient.setQueryData(orderQueryOptions(order.id).queryKey, order),
  });
}
