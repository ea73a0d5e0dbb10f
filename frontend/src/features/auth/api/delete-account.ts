import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setAccessToken } from '@/lib/api-client';
import type { ApiBody } from '@/lib/api-types';
import { USER_QUERY_KEY } from './get-user';

export type DeleteAccountInput = ApiBody<'/api/v1/users/me', 'delete'>;

/**
 * Deletes the account, confirmed with the password. A wrong one is 401 `invalid_credentials`
 * (the session stays); 409 `open_orders` and `balance_not_zero` say what must happen first.
 */
export async function deleteAccount(input: DeleteAccountInput): Promise<void> {
  await api.delete('/users/me', { data: input });
}

/** `onDeleted` runs before the session is forgotten here (e.g. to leave the signed-in page first). */
export function useDeleteAccount({ onDeleted }: { onDeleted?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteAccount,
    onSuccess: () => {
      onDeleted?.();
      setAccessToken(null);
      queryClient.setQueryData(USER_QUERY_KEY, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'user' && query.meta?.private === true });
    },
  });
}
