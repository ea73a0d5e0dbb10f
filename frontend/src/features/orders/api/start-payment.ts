import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { orderKeyHeaders } from '@/lib/order-key';
import { orderQueryOptions } from './get-order';

export type PaymentAttempt = { pay_url: string; hold_expires_at: string | null };

/** A new card attempt for an order awaiting payment (the last one failed or was abandoned). */
export async function startPayment(orderId: number): Promise<PaymentAttempt> {
  const { data } = await api.post<PaymentAttempt>(`/orders/${orderId}/payments`, undefined, { headers: orderKeyHeaders(orderId) });
  return data;
}

/** Opens a new attempt and goes to the provider's page; a refusal (the hold ended) reloads the order. */
export function useStartPayment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startPayment,
    onSuccess: (attempt) => window.location.assign(attempt.pay_url),
    onError: (_error, orderId) => void queryClient.invalidateQueries({ queryKey: orderQueryOptions(orderId).queryKey }),
  });
}
