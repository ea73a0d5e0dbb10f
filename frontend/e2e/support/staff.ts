import { connect } from 'node:net';
import type { Browser, Page } from '@playwright/test';
import { signIn } from './shop';

/** The demo support user of `make run` (seeded with the demo data). */
export const SUPPORT = { email: 'support@example.com', password: 'demo-shopper-2026', fullName: 'Sam Support' };

/** A second browser, signed in as the demo support user. */
export async function staffPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, SUPPORT);
  return page;
}

/**
 * Ends the API's Redis pub/sub connection, as a Redis failover would: the API closes every
 * socket it holds with 1012 (events may have been lost), so clients must reconnect and resync.
 */
export async function dropLiveSockets(): Promise<void> {
  const url = new URL(process.env.E2E_REDIS_URL ?? '');
  if (!url.port) throw new Error('E2E_REDIS_URL is not set: run the tests through e2e/run.mjs');
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write('CLIENT KILL TYPE pubsub\r\n'));
    socket.once('data', (reply) => {
      socket.end();
      if (reply.toString().startsWith(':')) resolve();
      else reject(new Error(`redis: ${reply.toString()}`));
    });
    socket.once('error', reject);
  });
}
