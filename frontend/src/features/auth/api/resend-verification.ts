import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Schemas } from '@/lib/api-types';

export async function resendVerification(input: Schemas['EmailBody']): Promise<void> {
  await api.post('/auth/resend-verification', input, { skipAuthRefresh: true });
}

export function useResendVerification() {
  return useMutation({ mutationFn: resendVerification });
}
