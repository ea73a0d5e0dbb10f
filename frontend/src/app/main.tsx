import '@/index.css';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { USER_QUERY_KEY } from '@/features/auth/api/get-user';
import { infoQueryOptions } from '@/features/info/api/get-info';
import type { User } from '@/lib/api-types';
import { initI18n } from '@/lib/i18n';
import { forgetServerTitle } from '@/lib/page-meta';
import { createQueryClient } from '@/lib/query-client';
import { AppProvider } from './provider';
import { AppRouter, preloadFirstPage } from './router';

const queryClient = createQueryClient();

// Start-up in short tasks rather than one long one that a slow phone cannot answer a tap
// during: the modules' evaluation; then the first page's chunk and data requests; then i18n
// and React's first render.
setTimeout(() => {
  preloadFirstPage(window.location, queryClient);
  reportErrors();
  setTimeout(() => void initI18n().then(render), 0);
}, 0);

/** Errors go to Sentry only when the shop has a DSN (/info says so); the SDK is fetched then. */
function reportErrors() {
  void queryClient
    .fetchQuery(infoQueryOptions())
    .then(async ({ error_reporting }) => {
      if (!error_reporting) return;
      const { initErrorReporting } = await import('@/lib/error-reporting');
      initErrorReporting(error_reporting, { currentUserId: () => queryClient.getQueryData<User | null>(USER_QUERY_KEY)?.id });
    })
    .catch(() => undefined);
}

function render() {
  forgetServerTitle();
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
