import { useMutation, useQueryClient } from '@tanstack/react-query';
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

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.setQueryData(USER_QUERY_KEY, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'user' && query.meta?.private === true });
    },
  });
}
