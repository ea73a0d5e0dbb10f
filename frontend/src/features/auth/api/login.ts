import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setAccessToken } from '@/lib/api-client';
import type { Schemas } from '@/lib/api-types';
import { USER_QUERY_KEY } from './get-user';

export type LoginInput = Schemas['LoginRequest'];

export async function login(input: LoginInput): Promise<Schemas['TokenPair']> {
  const { data } = await api.post<Schemas['TokenPair']>('/auth/login', input, { skipAuthRefresh: true });
  setAccessToken(data.access_token);
  return data;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: USER_QUERY_KEY }),
  });
}
