import { expect, test } from './support/test';
import { linkFromMail } from './support/mail';
import { newCustomer } from './support/customer';

test('a customer registers, confirms the mail, signs in, keeps the session on reload, signs out', async ({ page }) => {
  const customer = newCustomer();
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();

  // The password rules are there before submitting; a short password is refused by the form.
  await expect(page.getByText('At least 8 characters')).toBeVisible();
  await page.getByLabel('Full name').fill(customer.fullName);
  await page.getByLabel('Username').fill(customer.username);
  await page.getByLabel('E-mail').fill(customer.email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByText('The password needs at least 8 characters.')).toBeVisible();
  // A common password passes the form and is refused by the API, next to the field.
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByText('This password is too common; choose another.')).toBeVisible();

  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeVisible();
  await expect(page.getByText(customer.email)).toBeVisible();

  // Signing in before confirming offers to resend the link.
  await page.goto('/login');
  await page.getByLabel('E-mail or username').fill(customer.username);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Please confirm your e-mail address first.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send the link again' })).toBeVisible();

  const link = await linkFromMail(customer.email, '/verify-email');
  await page.goto(link);
  await expect(page.getByText('Your e-mail address is confirmed')).toBeVisible();
  // Opened in the browser that registered: signed in at once.
  await expect(page.getByText(`Thank you, ${customer.fullName}. You are signed in.`)).toBeVisible();
  await expect(page.getByRole('link', { name: customer.fullName })).toBeVisible();
  // The link is single-use: opening it again says so and offers a new one.
  await page.reload();
  await expect(page.getByText('This link no longer works')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send the link again' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);
  await page.getByLabel('E-mail or username').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back where the customer wanted to go.
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: `Hello, ${customer.fullName}` })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: `Hello, ${customer.fullName}` })).toBeVisible();
  await expect(page.getByRole('link', { name: customer.fullName })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
