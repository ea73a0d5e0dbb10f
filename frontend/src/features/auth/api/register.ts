import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Schemas } from '@/lib/api-types';

export type RegisterInput = Schemas['UserRegister'];

export async function register(input: RegisterInput): Promise<Schemas['UserRead']> {
  const { data } = await api.post<Schemas['UserRead']>('/auth/register', input, { skipAuthRefresh: true });
  return data;
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
