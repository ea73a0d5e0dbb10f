import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { KREUZBERG, accountOf, addFromProductPage, addFunds, apiSignIn, signIn, stockAt } from './support/shop';

const BOOK = 'die-stille-der-kraniche';

test('cancelling a paid order puts the stock back, refunds the balance and shows it in the timeline', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'canceller');
  const auth = await apiSignIn(request, customer);
  await addFunds(request, auth, '100.00');
  const before = await stockAt(request, BOOK, KREUZBERG);

  await signIn(page, customer);
  await addFromProductPage(page, BOOK, 2);
  await page.goto('/checkout');
  await expect(page.getByRole('radio', { name: 'From my balance' })).toBeChecked();
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  expect(await stockAt(request, BOOK, KREUZBERG)).toBe(before - 2);
  const paid = Number((await accountOf(request, auth)).balance);
  const total = (100 - paid).toFixed(2);

  await page.getByRole('link', { name: 'See the order' }).click();
  await page.getByRole('button', { name: 'Cancel the order' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: /^Cancel order \d{6}-\d{5}\?$/ })).toBeVisible();
  await expect(dialog).toContainText(`The €${total} you paid from your balance goes back to your balance at once.`);
  await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByRole('main').getByText('Cancelled', { exact: true }).first()).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Status history' });
  await expect(timeline.getByRole('listitem')).toHaveText([/^Placed/, /^Paid/, /^Cancelled/]);
  await expect(page.getByRole('button', { name: 'Cancel the order' })).toHaveCount(0);

  expect(await stockAt(request, BOOK, KREUZBERG)).toBe(before);
  await page.goto('/account');
  await expect(page.getByTestId('balance')).toHaveText('€100.00');
  const ledger = page.getByRole('list', { name: 'Transactions' }).getByRole('listitem');
  await expect(ledger.first()).toContainText('Refund');
  await expect(ledger.first()).toContainText(`+€${total}`);
  await expect(ledger.nth(1)).toContainText('Order payment');
});
