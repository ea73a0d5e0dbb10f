import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { addFromProductPage, addFunds, apiSignIn, signIn } from './support/shop';

// The balance is €3.40 short of the order, less than the smallest top-up (€5.00): checkout's
// "Add funds" must propose an amount the shop takes, say why, and lead back to the order.
test('adding funds from checkout proposes an amount the shop accepts and returns to checkout', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'short');
  await addFunds(request, await apiSignIn(request, customer), '13.50');
  await signIn(page, customer);

  // Midnight at the Orchard Hotel, €16.90: €3.40 more than the balance.
  await addFromProductPage(page, 'midnight-at-the-orchard-hotel');
  await page.goto('/cart');
  await page.getByRole('link', { name: 'Check out' }).click();
  await page.getByRole('link', { name: 'Add funds' }).click();

  await expect(page.getByText('Your order needs €3.40 more. The smallest amount we can take is €5.00')).toBeVisible();
  await expect(page.getByLabel('Amount (EUR)')).toHaveValue('5.00');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByRole('heading', { name: 'Test payment provider' })).toBeVisible();
  await expect(page.getByText('5.00 EUR')).toBeVisible();
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await expect(page.getByText('€5.00 added to your balance')).toBeVisible();

  await page.getByRole('link', { name: 'Back to checkout' }).click();
  await expect(page.getByText('Balance €18.50 now, €1.60 after this order.')).toBeVisible();
  await page.getByRole('button', { name: 'Place order · €16.90' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
});
