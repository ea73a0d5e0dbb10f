import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { accountOf, apiSignIn, signIn } from './support/shop';

test('a declined top-up credits nothing and says so', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'decliner');
  await signIn(page, customer);
  await page.goto('/account');
  await page.getByLabel('Amount (EUR)').fill('30');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByRole('heading', { name: 'Test payment provider' })).toBeVisible();
  await page.getByRole('button', { name: 'Decline' }).click();

  await expect(page).toHaveURL(/\/account\/top-ups\/\d+$/);
  await expect(page.getByText('The payment was declined')).toBeVisible();
  await expect(page.getByText('Nothing was charged and your balance is unchanged.')).toBeVisible();
  await page.getByRole('link', { name: 'Back to your balance' }).click();
  await expect(page.getByTestId('balance')).toHaveText('€0.00');
  await expect(page.getByText('No transactions yet.')).toBeVisible();
  // Nor a moment later (the webhook of a declined payment never comes).
  await page.waitForTimeout(1500);
  expect((await accountOf(request, await apiSignIn(request, customer))).balance).toBe('0.00');
});
