import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';

test('after too many wrong passwords the sign-in page says how long to wait', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'unlucky');
  await page.goto('/login');
  await page.getByLabel('E-mail or username').fill(customer.username);
  const alert = page.getByRole('main').getByRole('alert');
  // The API allows a few failures per account (LOGIN_MAX_FAILURES, 5 by default), then answers 429 with Retry-After.
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    await page.getByLabel('Password').fill(`wrong-password-${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alert).toHaveText(/Wrong login or password\.|Too many attempts/);
    if ((await alert.textContent())?.startsWith('Too many attempts')) break;
  }
  await expect(alert).toHaveText(/^Too many attempts\. Please try again in \d+ seconds?\.$/);
});
