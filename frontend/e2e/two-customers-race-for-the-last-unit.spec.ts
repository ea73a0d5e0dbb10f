import { expect, test, type Page } from './support/test';
import { verifiedCustomer } from './support/customer';
import { KREUZBERG, addFromProductPage, setStock, signIn, stockAt } from './support/shop';

// Only Kreuzberg carries this book, and no other scenario orders it.
const LAST_COPY = 'letters-from-the-atlas-mountains';

test('two customers race for the last unit: one order, the other sees which line is short, stock ends at zero', async ({ browser, request }) => {
  await setStock(request, LAST_COPY, KREUZBERG, 1);
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  const pages: Page[] = await Promise.all(contexts.map((context) => context.newPage()));
  const customers = await Promise.all([verifiedCustomer(request, 'racer'), verifiedCustomer(request, 'racer')]);
  for (const [index, page] of pages.entries()) {
    await signIn(page, customers[index]!);
    await addFromProductPage(page, LAST_COPY);
    await page.goto('/checkout');
    await expect(page.getByRole('radio', { name: KREUZBERG })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'At pickup' })).toBeChecked();
  }

  // Both place at the same moment.
  const buttons = pages.map((page) => page.getByRole('button', { name: /^Place order/ }));
  await Promise.all(buttons.map((button) => button.click()));

  const outcomes = await Promise.all(
    pages.map(async (page) => {
      const placed = page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' });
      const short = page.getByRole('alert').filter({ hasText: `${KREUZBERG} no longer has all of it` });
      await expect(placed.or(short)).toBeVisible();
      return (await placed.isVisible()) ? 'placed' : 'short';
    }),
  );
  expect([...outcomes].sort()).toEqual(['placed', 'short']);
  const loser = pages[outcomes.indexOf('short')]!;
  await expect(loser.getByRole('alert')).toContainText('Letters from the Atlas Mountains: you want 1, 0 left');
  await expect(loser.getByRole('button', { name: 'Change my cart to what is there' })).toBeVisible();
  // The store now says so too, and cannot be chosen.
  await expect(loser.getByRole('radio', { name: KREUZBERG })).toBeDisabled();

  expect(await stockAt(request, LAST_COPY, KREUZBERG)).toBe(0);
  await Promise.all(contexts.map((context) => context.close()));
});
