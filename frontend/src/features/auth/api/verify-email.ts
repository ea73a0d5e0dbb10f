import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';

type Verified = ApiResponse<'/api/v1/auth/verify-email', 'post'>;

export async function verifyEmail(token: string): Promise<Verified> {
  const { data } = await api.post<Verified>('/auth/verify-email', { token }, { skipAuthRefresh: true });
  return data;
}

// Run once per link and remembered (the token is single-use: a second POST would say "used").
export const verifyEmailQueryOptions = (token: string) =>
  queryOptions({
    queryKey: ['verify-email', token],
    queryFn: () => verifyEmail(token),
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });

export function useVerifyEmail(token: string) {
  return useQuery({ ...verifyEmailQueryOptions(token), enabled: Boolean(token) });
}
