import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, setAccessToken } from '@/lib/api-client';
import { USER_QUERY_KEY } from './get-user';

/** Ends the session on the server (its tokens stop working at once), then forgets it here. */
export async function logout(): Promise<void> {
  try {
    await api.post('/auth/logout', undefined, { skipAuthRefresh: true });
  } finally {
    setAccessToken(null);
  }
}

/**
 * Sign out, from the header on every page. A plain state rather than useMutation, so the
 * entry does not carry TanStack's mutation observer (the catalog route's size budget).
 */
export function useLogout() {
  const queryClient = useQueryClient();
  const [isPending, setPending] = useState(false);
  const mutate = (_input?: undefined, { onSettled }: { onSettled?: () => void } = {}) => {
    setPending(true);
    void logout()
      .catch(() => undefined) // signed out here in any case
      .finally(() => {
        setPending(false);
        queryClient.setQueryData(USER_QUERY_KEY, null);
        queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'user' && query.meta?.private === true });
        onSettled?.();
      });
  };
  return { mutate, isPending };
}
