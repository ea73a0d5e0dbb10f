import '@/index.css';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { USER_QUERY_KEY } from '@/features/auth/api/get-user';
import { infoQueryOptions } from '@/features/info/api/get-info';
import type { User } from '@/lib/api-types';
import { initI18n } from '@/lib/i18n';
import { createQueryClient } from '@/lib/query-client';
import { AppProvider } from './provider';
import { AppRouter, preloadFirstPage } from './router';

const queryClient = createQueryClient();
preloadFirstPage(window.location, queryClient);

// Errors go to Sentry only when the shop has a DSN (/info says so); the SDK is fetched then.
void queryClient
  .fetchQuery(infoQueryOptions())
  .then(async ({ error_reporting }) => {
    if (!error_reporting) return;
    const { initErrorReporting } = await import('@/lib/error-reporting');
    initErrorReporting(error_reporting, { currentUserId: () => queryClient.getQueryData<User | null>(USER_QUERY_KEY)?.id });
  })
  .catch(() => undefined);

// The first page's data and chunk are on their way: the rest of the start-up runs in a task of
// its own, so the browser is not held for all of it at once.
setTimeout(() => void initI18n().then(render), 0);

function render() {
  const root = createRoot(document.getElementById('root')!);
  // A transition lets React render the first page in short slices (yielding to the browser
  // between them) instead of one long task a slow phone cannot answer a tap during.
  startTransition(() => {
    root.render(
      <StrictMode>
        <AppProvider queryClient={queryClient}>
          <AppRouter />
        </AppProvider>
      </StrictMode>,
    );
  });
}
