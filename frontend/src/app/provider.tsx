import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { USER_QUERY_KEY } from '@/features/auth/api/get-user';
import { onSessionChange } from '@/lib/api-client';
import { createQueryClient } from '@/lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  // A refresh that the server refused ends the session here too (e.g. signed out elsewhere).
  useEffect(
    () =>
      onSessionChange((signedIn) => {
        if (!signedIn) queryClient.setQueryData(USER_QUERY_KEY, null);
      }),
    [queryClient],
  );
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
