import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { signIn } from './support/shop';

test('signed in on two devices, the customer ends the other one from the first: it is signed out at once', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'twodevices');
  const laptop = await browser.newContext();
  const phone = await browser.newContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' });
  const first = await laptop.newPage();
  const other = await phone.newPage();
  await signIn(first, customer);
  await signIn(other, customer);
  await other.goto('/account');
  await expect(other.getByRole('heading', { level: 1, name: `Hello, ${customer.fullName}` })).toBeVisible();

  await first.goto('/account/security');
  const sessions = first.getByRole('list', { name: 'Where you are signed in' }).getByRole('listitem');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'This device' })).toHaveCount(1);

  // A wrong current password is an answer, not an ended session: no refresh, still signed in.
  const refreshes: string[] = [];
  first.on('request', (req) => {
    if (req.url().endsWith('/api/v1/auth/refresh')) refreshes.push(req.url());
  });
  await first.getByLabel('Current password').fill('not-my-password');
  await first.getByLabel('New password', { exact: true }).fill('Another-Lantern-42');
  await first.getByLabel('Repeat the new password').fill('Another-Lantern-42');
  await first.getByRole('button', { name: 'Change password' }).click();
  await expect(first.getByText('This is not your current password.')).toBeVisible();
  expect(refreshes).toEqual([]);
  await expect(first.getByRole('link', { name: customer.fullName })).toBeVisible();

  await first.getByRole('button', { name: 'Sign out Safari · iOS' }).click();
  await expect(first.getByText('That device is signed out.')).toBeVisible();
  await expect(sessions).toHaveCount(1);
  await expect(first.getByText('You are signed in on this device only.')).toBeVisible();

  // The other device's live socket closes with its session (1008 "session ended") and its
  // refresh is refused: it is a guest again at once, sent to sign in from the page it was on.
  await expect(other).toHaveURL(/\/login\?next=%2Faccount/);
  await expect(other.getByRole('link', { name: 'Sign in' })).toBeVisible();

  // And "everywhere else" ends every other session at once.
  await signIn(other, customer);
  await first.reload();
  await expect(sessions).toHaveCount(2);
  await first.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(first.getByText('1 other device is signed out.')).toBeVisible();
  await expect(other.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await other.reload();
  await expect(other.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await first.reload();
  await expect(first.getByRole('link', { name: customer.fullName })).toBeVisible();
  await Promise.all([laptop.close(), phone.close()]);
});
