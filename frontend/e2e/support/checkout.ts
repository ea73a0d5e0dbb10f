import AxeBuilder from '@axe-core/playwright';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

export type Guest = { name: string; email: string; phone: string };

/** A guest nobody else uses (tests run in parallel on one database). */
export function newGuest(prefix = 'guest'): Guest {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return { name: 'Gina Guest', email: `${prefix}.${id}@example.com`, phone: '+49 30 1234567' };
}

/** From the cart to the checkout, the contact details filled in, as a guest does it. */
export async function guestToCheckout(page: Page, guest: Guest): Promise<void> {
  await page.goto('/cart');
  await page.getByRole('main').getByRole('link', { name: 'Check out', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await page.getByLabel('Name').fill(guest.name);
  await page.getByLabel('E-mail').fill(guest.email);
  await page.getByLabel('Phone').fill(guest.phone);
}

/** Places the card order and answers the order's id, read off the provider's return address later. */
export async function continueToProvider(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Continue to payment/ }).click();
  await expect(page.getByRole('heading', { name: 'Test payment provider' })).toBeVisible();
}

/** Back from the provider: the order's id from the address it returned to. */
export async function returnedOrderId(page: Page): Promise<number> {
  await expect(page).toHaveURL(/\/orders\/\d+\?payment=return$/);
  return Number(new URL(page.url()).pathname.split('/')[2]);
}

const backend = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'backend');

/**
 * Ends an order's payment hold now instead of in PAYMENT_HOLD_MINUTES: its end is moved to the
 * past (the one thing a scenario cannot wait for), then the shop's own periodic job runs, sent
 * to the stack's worker as beat sends it every minute.
 */
export function endHoldNow(orderId: number): void {
  const databaseURL = process.env.E2E_DATABASE_URL;
  if (!databaseURL) throw new Error('E2E_DATABASE_URL is not set: run the tests through e2e/run.mjs');
  const script = `
import asyncio, sys
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

async def main() -> None:
    engine = create_async_engine(sys.argv[1])
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE \\"order\\" SET hold_expires_at = now() - interval '1 second' WHERE id = :id AND hold_expires_at IS NOT NULL"),
            {"id": int(sys.argv[2])},
        )
    await engine.dispose()

asyncio.run(main())
from app.payments.tasks import expire_payment_holds
expire_payment_holds.delay()
`;
  const python = process.env.BACKEND_PYTHON ?? join(backend, '.venv', 'bin', 'python');
  const result = spawnSync(python, ['-c', script, databaseURL, String(orderId)], {
    cwd: backend,
    env: { ...process.env, DATABASE_URL: databaseURL, REDIS_URL: process.env.E2E_REDIS_URL ?? '' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`ending the hold: ${result.stderr}`);
}

/** No serious or critical axe violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const severe = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(severe, `axe on ${what}`).toEqual([]);
}
