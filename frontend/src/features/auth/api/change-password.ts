import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { ApiBody } from '@/lib/api-types';
import { SESSIONS_QUERY_KEY } from './get-sessions';

export type ChangePasswordInput = ApiBody<'/api/v1/users/me/password', 'put'>;

/** A wrong current password is a 401 `invalid_credentials`: an answer, and this session stays. */
export async function changePassword(input: ChangePasswordInput): Promise<void> {
  await api.put('/users/me/password', input);
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  // Every other session ends with the change.
  return useMutation({ mutationFn: changePassword, onSuccess: () => queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY }) });
}
