import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody } from '@/lib/api-types';

export async function resendVerification(input: ApiBody<'/api/v1/auth/resend-verification', 'post'>): Promise<void> {
  await api.post('/auth/resend-verification', input, { skipAuthRefresh: true });
}

export function useResendVerification() {
  return useMutation({ mutationFn: resendVerification });
}
