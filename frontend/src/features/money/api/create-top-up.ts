import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, TopUp } from '@/lib/api-types';

export type TopUpInput = ApiBody<'/api/v1/accounts/{account_id}/top-ups', 'post'>;

export async function createTopUp({ accountId, ...body }: TopUpInput & { accountId: number }): Promise<TopUp> {
  const { data } = await api.post<TopUp>(`/accounts/${accountId}/top-ups`, body);
  return data;
}

export function useCreateTopUp() {
  return useMutation({ mutationFn: createTopUp });
}
