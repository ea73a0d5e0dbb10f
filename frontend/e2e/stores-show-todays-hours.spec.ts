import { expect, test } from './support/test';

const WEEKDAY = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'Europe/Berlin' });

test("the stores page shows today's hours and whether each store is open now", async ({ page, request }) => {
  const stores = (await (await request.get('/api/v1/stores')).json()).items as { name: string; open_now: boolean }[];
  await page.goto('/stores');
  await expect(page.getByRole('heading', { level: 1, name: 'Our stores' })).toBeVisible();
  for (const store of stores) {
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: store.name }) });
    await expect(card.getByText(store.open_now ? 'Open now' : 'Closed', { exact: true })).toBeVisible();
    await expect(card.getByText(/^Today: /)).toBeVisible();
  }

  await page.getByRole('main').getByRole('link', { name: 'Kreuzberg Bookshop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Kreuzberg Bookshop' })).toBeVisible();
  const hours = page.getByRole('table');
  await expect(hours).toContainText('Local time: Central European Time');
  const today = hours.getByRole('row').filter({ hasText: 'today' });
  await expect(today).toHaveCount(1);
  await expect(today.getByRole('rowheader')).toContainText(WEEKDAY.format(new Date()));
  await expect(page.getByRole('heading', { name: 'In stock at this store' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'In stock at this store' }).getByRole('article').first()).toBeVisible();
});
