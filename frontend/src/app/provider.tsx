import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { USER_QUERY_KEY } from '@/features/auth/api/get-user';
import { onSessionChange } from '@/lib/api-client';

export function AppProvider({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  // A refresh that the server refused ends the session here too (e.g. signed out elsewhere).
  useEffect(
    () =>
      onSessionChange((signedIn) => {
        if (signedIn) return;
        queryClient.setQueryData(USER_QUERY_KEY, null);
        queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'user' && query.meta?.private === true });
      }),
    [queryClient],
  );
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
