import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, PlacedOrder } from '@/lib/api-types';
import { ApiError } from '@/lib/api-error';
import { orderQueryOptions } from './get-order';

export type PlaceOrderInput = ApiBody<'/api/v1/orders', 'post'>;

export async function placeOrder({ body, idempotencyKey }: { body: PlaceOrderInput; idempotencyKey: string }): Promise<PlacedOrder> {
  const { data } = await api.post<PlacedOrder>('/orders', body, { headers: { 'Idempotency-Key': idempotencyKey } });
  return data;
}

/** Worth sending again with the same key: no answer came, or the first request still runs. */
export function isRetriable(error: unknown): boolean {
  return error instanceof ApiError && (error.isNetworkError || error.status >= 500 || error.code === 'idempotency_key_in_progress');
}

/**
 * Places the order. A lost answer or a busy server is retried with the same Idempotency-Key,
 * so the server answers the order it made (if it made one) instead of making a second.
 */
export function usePlaceOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: placeOrder,
    retry: (failures, error) => failures < 3 && isRetriable(error),
    retryDelay: (attempt) => 500 * 2 ** attempt,
    onSuccess: (order) => {
      queryClient.setQueryData(orderQueryOptions(order.id).queryKey, order);
      void queryClient.invalidateQueries({ queryKey: ['orders', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['cart'] });
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
}
