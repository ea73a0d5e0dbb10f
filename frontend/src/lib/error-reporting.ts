import * as Sentry from '@sentry/browser';
import type { ShopInfo } from '@/lib/api-types';
import { scrub } from '@/lib/scrub';

/**
 * The storefront's errors to Sentry. Loaded only when the shop has a DSN (src/app/main.tsx
 * imports this module on demand), so a shop without Sentry ships none of the SDK.
 */

export type ErrorReportingConfig = NonNullable<ShopInfo['error_reporting']>;

type Options = {
  /** The signed-in customer's id, if any: the only thing about them an event carries. */
  currentUserId: () => number | undefined;
  /** For tests: where envelopes go instead of the network. */
  transport?: Sentry.BrowserOptions['transport'];
};

export function initErrorReporting(config: ErrorReportingConfig, { currentUserId, transport }: Options): void {
  Sentry.init({
    dsn: config.dsn,
    environment: config.environment,
    release: config.release,
    // Through the shop's own origin: no third-party request, the CSP stays 'self'.
    tunnel: config.tunnel,
    // No user fields, cookies, headers, bodies or query strings collected in the first place.
    dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false },
    maxBreadcrumbs: 50,
    // Errors only: no session pings or client reports (the tunnel passes on events alone).
    sendClientReports: false,
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'BrowserSession'),
    ...(transport ? { transport } : {}),
    beforeSend(event) {
      delete event.request?.cookies;
      delete event.request?.data;
      const userId = currentUserId();
      event.user = userId === undefined ? undefined : { id: String(userId) };
      event.tags = {
        ...event.tags,
        component: 'web',
        route: window.location.pathname,
        ...(userId === undefined ? {} : { user_id: String(userId) }),
      };
      return scrub(event);
    },
    beforeBreadcrumb(breadcrumb) {
      return scrub(breadcrumb);
    },
  });
}
