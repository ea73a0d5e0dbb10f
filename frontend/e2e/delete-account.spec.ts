import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { addFunds, apiSignIn, signIn } from './support/shop';

test('deleting the account: a wrong password and money left are refused with the reason; then it is gone', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'leaver');
  await addFunds(request, await apiSignIn(request, customer), '5.00');
  await signIn(page, customer);
  await page.goto('/account/security');
  const section = page.getByRole('region', { name: 'Delete your account' });
  await expect(section).toContainText('Your balance must be zero');
  await expect(section).toContainText('Right now: balance €5.00, open orders: 0.');

  await section.getByLabel('Your password, to confirm').fill('not-my-password');
  await section.getByRole('button', { name: 'Delete my account' }).click();
  await expect(section.getByText('This is not your current password.')).toBeVisible();
  await expect(page.getByRole('link', { name: customer.fullName })).toBeVisible();

  await section.getByLabel('Your password, to confirm').fill(customer.password);
  await section.getByRole('button', { name: 'Delete my account' }).click();
  await expect(section.getByRole('alert')).toHaveText('Your balance is €5.00. Spend it or ask us to pay it out first.');

  // A customer with nothing left open and a zero balance is deleted at once.
  const other = await verifiedCustomer(request, 'leaver');
  await page.getByRole('button', { name: 'Sign out this device' }).click();
  await signIn(page, other);
  await page.goto('/account/security');
  await section.getByLabel('Your password, to confirm').fill(other.password);
  await section.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account is deleted. Thank you for shopping with us.' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=/);
  const login = await request.post('/api/v1/auth/login', { data: { login: other.email, password: other.password } });
  expect(login.status()).toBe(401);
});
