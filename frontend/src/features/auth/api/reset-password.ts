import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody } from '@/lib/api-types';

export async function resetPassword(input: ApiBody<'/api/v1/auth/password-reset/confirm', 'post'>): Promise<void> {
  await api.post('/auth/password-reset/confirm', input, { skipAuthRefresh: true });
}

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
