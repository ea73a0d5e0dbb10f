import { expect, test } from './support/test';
import { endHoldNow, guestToCheckout, newGuest } from './support/checkout';
import { KREUZBERG, addFromProductPage, setStock } from './support/shop';

const BOOK = 'the-slow-kitchen';

test('a card order left unpaid is cancelled when its hold ends, and its stock is back on the product page', async ({ page, request }) => {
  await setStock(request, BOOK, KREUZBERG, 1);
  await addFromProductPage(page, BOOK);
  await guestToCheckout(page, newGuest('abandoner'));
  await page.getByRole('radio', { name: new RegExp(`^${KREUZBERG}`) }).check();
  await page.getByRole('button', { name: /^Continue to payment/ }).click();
  await expect(page.getByRole('heading', { name: 'Test payment provider' })).toBeVisible();

  // The guest walks away from the provider's page. The last unit is held for the order.
  const kreuzberg = () => page.getByRole('list', { name: 'Availability in our stores' }).getByRole('listitem').filter({ hasText: KREUZBERG });
  await page.goto(`/products/${BOOK}`);
  await expect(kreuzberg().getByText('Out of stock')).toBeVisible();

  // Later, from the order link kept in this browser: awaiting payment, with the time left.
  const orderId = await page.evaluate(() => Number(Object.keys(localStorage).find((key) => key.startsWith('order-key:'))?.split(':')[1]));
  await page.goto(`/orders/${orderId}`);
  await expect(page.getByRole('heading', { name: 'Awaiting your card payment' })).toBeVisible();
  await expect(page.getByTestId('hold-countdown')).toHaveText(/^(1[0-5]|0\d):\d\d$/);
  await expect(page.getByRole('button', { name: /^Pay now · €29\.90$/ })).toBeVisible();

  endHoldNow(orderId);
  // The page learns it live: cancelled, nothing charged.
  await expect(page.getByText('The order was cancelled: the hold ended')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('The hold ended before a payment came through, so nothing was charged and the items went back on the shelf.')).toBeVisible();
  await expect(page.getByRole('main').getByText('Cancelled', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pay now/ })).toHaveCount(0);

  await page.goto(`/products/${BOOK}`);
  await expect(kreuzberg().getByText('1 in stock')).toBeVisible();
});
