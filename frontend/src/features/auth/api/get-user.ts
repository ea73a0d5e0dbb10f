import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, getAccessToken, hasRefreshCookie, refreshAccessToken } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import type { User } from '@/lib/api-types';

export const USER_QUERY_KEY = ['user'] as const;

/**
 * The signed-in user, or null for a guest. After a reload the access token is gone (memory
 * only): the refresh cookie, when there is one, brings the session back first.
 */
export async function getUser(): Promise<User | null> {
  if (!getAccessToken() && hasRefreshCookie()) await refreshAccessToken();
  if (!getAccessToken()) return null;
  try {
    const { data } = await api.get<User>('/users/me');
    return data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const userQueryOptions = () =>
  queryOptions({ queryKey: USER_QUERY_KEY, queryFn: getUser, staleTime: 5 * 60_000 });

export function useUser() {
  return useQuery(userQueryOptions());
}
