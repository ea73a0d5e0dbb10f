import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Schemas } from '@/lib/api-types';

export async function requestPasswordReset(input: Schemas['EmailBody']): Promise<void> {
  await api.post('/auth/password-reset', input, { skipAuthRefresh: true });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}
