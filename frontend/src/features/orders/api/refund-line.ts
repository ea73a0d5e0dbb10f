import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, OrderDetail } from '@/lib/api-types';
import { ApiError } from '@/lib/api-error';
import { orderQueryOptions } from './get-order';

export type RefundLineInput = ApiBody<'/api/v1/orders/{order_id}/refunds', 'post'>;

/** Admins give back units of one line (POST /orders/{id}/refunds); the key makes a resend harmless. */
export async function refundLine({ orderId, body, idempotencyKey }: { orderId: number; body: RefundLineInput; idempotencyKey: string }): Promise<OrderDetail> {
  const { data } = await api.post<OrderDetail>(`/orders/${orderId}/refunds`, body, { headers: { 'Idempotency-Key': idempotencyKey } });
  return data;
}

/** A lost answer or a busy server is retried with the same key: the server refunds once. */
function isRetriable(error: unknown): boolean {
  return error instanceof ApiError && (error.isNetworkError || error.status >= 500);
}

export function useRefundLine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: refundLine,
    retry: (failures, error) => failures < 3 && isRetriable(error),
    retryDelay: (attempt) => 500 * 2 ** attempt,
    onSuccess: (order) => queryClient.setQueryData(orderQueryOptions(order.id).queryKey, order),
  });
}
