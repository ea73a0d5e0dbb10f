import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody, ApiResponse } from '@/lib/api-types';

export type RegisterInput = ApiBody<'/api/v1/auth/register', 'post'>;
type Registered = ApiResponse<'/api/v1/auth/register', 'post'>;

export async function register(input: RegisterInput): Promise<Registered> {
  const { data } = await api.post<Registered>('/auth/register', input, { skipAuthRefresh: true });
  return data;
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
