import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Session } from '@/lib/api-types';

export const SESSIONS_QUERY_KEY = ['sessions'] as const;

export async function getSessions(signal?: AbortSignal): Promise<Session[]> {
  const { data } = await api.get<Session[]>('/auth/sessions', { signal });
  return data;
}

export const sessionsQueryOptions = () =>
  queryOptions({ queryKey: SESSIONS_QUERY_KEY, queryFn: ({ signal }) => getSessions(signal), staleTime: 0, meta: { private: true } });

export function useSessions() {
  return useQuery(sessionsQueryOptions());
}
