import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        // Retry what may pass next time (network, 5xx); a 4xx answer will not change.
        retry: (failureCount, error) =>
          failureCount < 2 && (!(error instanceof ApiError) || error.isNetworkError || error.status >= 500),
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

declare module '@tanstack/react-query' {
  interface Register {
    // Every request goes through api-client, which turns each failure into an ApiError.
    defaultError: ApiError;
    queryMeta: { private?: boolean };
  }
}
