import * as Sentry from '@sentry/browser';
import { afterEach, describe, expect, it } from 'vitest';
import { initErrorReporting } from './error-reporting';
import { REDACTED, scrub, scrubText } from './scrub';

const EMAIL = 'browser.user@example.com';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl';

describe('scrub', () => {
  it('redacts addresses, bearer tokens, JWTs and secret key=value pairs in text', () => {
    expect(scrubText(`mail ${EMAIL} with Bearer abc.def and ${JWT} at /reset?token=xyz&page=2`)).toBe(
      `mail ${REDACTED} with Bearer ${REDACTED} and ${REDACTED} at /reset?token=${REDACTED}&page=2`,
    );
  });

  it('redacts secret-named entries at any depth and leaves the rest', () => {
    expect(scrub({ a: { password: 'p', email: 'e@x.io', phone: '', nested: [['Cookie', 'c=1'], 'ok'] }, count: 3 })).toEqual({
      a: { password: REDACTED, email: REDACTED, phone: '', nested: [['Cookie', REDACTED], 'ok'] },
      count: 3,
    });
  });
});

describe('initErrorReporting', () => {
  afterEach(async () => {
    await Sentry.close();
  });

  it('sends a scrubbed event with the user id, the route and the storefront tag through the tunnel', async () => {
    const sent: string[] = [];
    const urls: string[] = [];
    initErrorReporting(
      { dsn: 'https://public@sentry.example/42', environment: 'test', release: 'shop@1', tunnel: '/api/v1/client-errors' },
      {
        currentUserId: () => 7,
        transport: (options) => {
          urls.push(options.url);
          return {
            send: async (envelope) => {
              sent.push(JSON.stringify(envelope));
              return {};
            },
            flush: async () => true,
          };
        },
      },
    );
    window.history.pushState({}, '', '/orders/12?token=secret-token');
    Sentry.addBreadcrumb({ category: 'console', message: `signed in as ${EMAIL}` });
    Sentry.captureException(new Error(`cannot deliver to ${EMAIL} with ${JWT}`));
    await Sentry.flush(2000);

    expect(urls).toEqual(['/api/v1/client-errors']);
    expect(sent).toHaveLength(1);
    const envelope = sent[0] ?? '';
    expect(envelope).not.toContain(EMAIL);
    expect(envelope).not.toContain(JWT);
    expect(envelope).not.toContain('secret-token');
    // [header, [[item header, event]]]
    const [, [[, payload]]] = JSON.parse(envelope) as [unknown, [[unknown, { user: unknown; tags: Record<string, string>; release: string }]]];
    expect(payload.user).toEqual({ id: '7' });
    expect(payload.tags).toMatchObject({ component: 'web', route: '/orders/12', user_id: '7' });
    expect(payload.release).toBe('shop@1');
  });
});
