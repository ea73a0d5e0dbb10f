import { expect, test } from './support/test';
import { newCustomer } from './support/customer';
import { linkFromMail } from './support/mail';
import { addFromProductPage } from './support/shop';

// A first-time buyer with a full cart chooses "Create an account": after the link in the mail,
// opened in the same browser, they are signed in and back at checkout with their cart.
test('a new customer registers from the cart and the verification link brings them back to checkout, signed in', async ({ page, context }) => {
  const customer = newCustomer('firstbuy');
  await addFromProductPage(page, 'midnight-at-the-orchard-hotel');
  await page.goto('/cart');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/register\?next=%2Fcheckout$/);
  await page.getByLabel('Full name').fill(customer.fullName);
  await page.getByLabel('Username').fill(customer.username);
  await page.getByLabel('E-mail').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeVisible();

  // The link opens in a new tab of the same browser.
  const tab = await context.newPage();
  await tab.goto(await linkFromMail(customer.email, '/verify-email'));
  await expect(tab).toHaveURL(/\/checkout$/);
  await expect(tab.getByRole('link', { name: customer.fullName })).toBeVisible();
  await expect(tab.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(tab.getByRole('button', { name: /Place order · €16\.90/ })).toBeVisible();
});

test('the verification link opened in another browser confirms the address and asks to sign in', async ({ page, browser }) => {
  const customer = newCustomer('otherbrowser');
  await page.goto('/register');
  await page.getByLabel('Full name').fill(customer.fullName);
  await page.getByLabel('Username').fill(customer.username);
  await page.getByLabel('E-mail').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeVisible();

  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto(await linkFromMail(customer.email, '/verify-email'));
  await expect(other.getByText('Your e-mail address is confirmed')).toBeVisible();
  await expect(other.getByRole('main').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(other.getByRole('link', { name: customer.fullName })).toHaveCount(0);
  await elsewhere.close();
});
