import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiResponse } from '@/lib/api-types';
import { SESSIONS_QUERY_KEY } from './get-sessions';

type Ended = ApiResponse<'/api/v1/auth/sessions', 'delete'>;

/** Signs out everywhere else: every session but this one ends. */
export async function endOtherSessions(): Promise<Ended> {
  const { data } = await api.delete<Ended>('/auth/sessions');
  return data;
}

export function useEndOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: endOtherSessions, onSettled: () => queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY }) });
}
