import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Schemas } from '@/lib/api-types';

export async function resetPassword(input: Schemas['PasswordResetConfirm']): Promise<void> {
  await api.post('/auth/password-reset/confirm', input, { skipAuthRefresh: true });
}

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
