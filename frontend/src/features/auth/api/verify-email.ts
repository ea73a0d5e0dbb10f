import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Schemas } from '@/lib/api-types';

export async function verifyEmail(token: string): Promise<Schemas['UserRead']> {
  const { data } = await api.post<Schemas['UserRead']>('/auth/verify-email', { token }, { skipAuthRefresh: true });
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
