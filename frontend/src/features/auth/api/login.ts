import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setAccessToken } from '@/lib/api-client';
import type { ApiBody, ApiResponse } from '@/lib/api-types';
import { USER_QUERY_KEY } from './get-user';

export type LoginInput = ApiBody<'/api/v1/auth/login', 'post'>;
type TokenPair = ApiResponse<'/api/v1/auth/login', 'post'>;

export async function login(input: LoginInput): Promise<TokenPair> {
  const { data } = await api.post<TokenPair>('/auth/login', input, { skipAuthRefresh: true });
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
