import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody } from '@/lib/api-types';

export async function requestPasswordReset(input: ApiBody<'/api/v1/auth/password-reset', 'post'>): Promise<void> {
  await api.post('/auth/password-reset', input, { skipAuthRefresh: true });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}
