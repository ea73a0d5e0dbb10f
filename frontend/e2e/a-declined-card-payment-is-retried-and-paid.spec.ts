import { expect, test } from './support/test';
import { continueToProvider, expectAccessible, guestToCheckout, newGuest, returnedOrderId } from './support/checkout';
import { addFromProductPage } from './support/shop';

test('a declined card payment keeps the order: the guest tries again and it is paid', async ({ page }) => {
  await addFromProductPage(page, 'salt-and-cinder');
  await guestToCheckout(page, newGuest('declined'));
  await continueToProvider(page);
  await page.getByRole('button', { name: 'Decline' }).click();

  const orderId = await returnedOrderId(page);
  await expect(page.getByText('Your payment failed, try again. Your order is kept until the time runs out.')).toBeVisible();
  // Still awaiting payment, with the time left to pay.
  await expect(page.getByRole('main').getByText('Awaiting payment', { exact: true })).toBeVisible();
  await expect(page.getByTestId('hold-countdown')).toHaveText(/^(1[0-5]|0\d):\d\d$/);
  await expectAccessible(page, 'an order whose payment failed');

  await page.getByRole('button', { name: /^Try again · €/ }).click();
  await expect(page.getByRole('heading', { name: 'Test payment provider' })).toBeVisible();
  await page.getByRole('button', { name: 'Approve' }).click();

  expect(await returnedOrderId(page)).toBe(orderId);
  await expect(page.getByText(/^Paid by card: €\d+\.\d{2}\.$/)).toBeVisible();
  await expect(page.getByText('Your payment failed, try again.', { exact: false })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Status history' }).getByRole('listitem')).toHaveText([/^Placed/, /^Paid/]);
});
