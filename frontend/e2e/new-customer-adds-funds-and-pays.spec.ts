import { expect, test } from './support/test';
import { newCustomer } from './support/customer';
import { linkFromMail } from './support/mail';
import { addFromProductPage, signIn } from './support/shop';

test('a new customer registers, adds funds with the test provider and pays an order from the balance', async ({ page }) => {
  const customer = newCustomer('payer');
  await page.goto('/register');
  await page.getByLabel('Full name').fill(customer.fullName);
  await page.getByLabel('Username').fill(customer.username);
  await page.getByLabel('E-mail').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeVisible();
  await page.goto(await linkFromMail(customer.email, '/verify-email'));
  await expect(page.getByText('Your e-mail address is confirmed')).toBeVisible();
  await signIn(page, customer);

  // A money account from the start, empty.
  await page.goto('/account');
  await expect(page.getByTestId('balance')).toHaveText('€0.00');
  await expect(page.getByText('No transactions yet.')).toBeVisible();

  await page.getByRole('button', { name: '€25.00' }).click();
  await expect(page.getByLabel('Amount (EUR)')).toHaveValue('25.00');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  // The provider's own page (served by the API in development), then back to the shop.
  await expect(page.getByRole('heading', { name: 'Test payment provider' })).toBeVisible();
  await expect(page.getByText('25.00 EUR')).toBeVisible();
  await page.getByRole('button', { name: 'Approve payment' }).click();
  await expect(page).toHaveURL(/\/account\/top-ups\/\d+$/);
  await expect(page.getByText('€25.00 added to your balance')).toBeVisible();
  await expect(page.getByText('Your balance is now €25.00.')).toBeVisible();
  await page.getByRole('link', { name: 'Back to your balance' }).click();
  await expect(page.getByTestId('balance')).toHaveText('€25.00');
  await expect(page.getByRole('list', { name: 'Transactions' })).toContainText('Funds added');

  // Pay an order with it: Midnight at the Orchard Hotel, €16.90.
  await addFromProductPage(page, 'midnight-at-the-orchard-hotel');
  await page.goto('/cart');
  await page.getByRole('link', { name: 'Check out' }).click();
  await expect(page.getByText('Balance €25.00 now, €8.10 after this order.')).toBeVisible();
  await page.getByRole('button', { name: 'Place order · €16.90' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  await page.getByRole('link', { name: 'See the order' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Order \d{6}-\d{5}$/ })).toBeVisible();
  await expect(page.getByRole('main').getByText('Paid', { exact: true }).first()).toBeVisible();
  await page.goto('/account');
  await expect(page.getByTestId('balance')).toHaveText('€8.10');
});
