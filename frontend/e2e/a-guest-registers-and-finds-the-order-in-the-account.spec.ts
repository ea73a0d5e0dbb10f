import { expect, test } from './support/test';
import { guestToCheckout, newGuest } from './support/checkout';
import { linkFromMail } from './support/mail';
import { addFromProductPage } from './support/shop';

test('a guest creates an account from the order page and, once the e-mail is confirmed, finds the order there', async ({ page }) => {
  const guest = newGuest('joiner');
  await addFromProductPage(page, 'pip-the-lighthouse-mouse');
  await guestToCheckout(page, guest);
  await page.getByRole('radio', { name: /^At pickup/ }).check();
  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  const number = (await page.getByText(/^\d{6}-\d{5}$/).first().innerText()).trim();
  await page.getByRole('link', { name: 'See the order' }).click();

  await expect(page.getByRole('heading', { name: 'Keep your orders in an account' })).toBeVisible();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
  await expect(page.getByLabel('E-mail')).toHaveValue(guest.email);
  await page.getByLabel('Full name').fill(guest.name);
  await page.getByLabel('Username').fill(guest.email.split('@')[0]!.replace(/[^A-Za-z0-9_.-]/g, '_'));
  await page.getByLabel('Password').fill('Lantern-joiner-Tea-2026');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your mail' })).toBeVisible();

  // Opened in the browser that registered: signed in, and taken where "Create an account" said.
  await page.goto(await linkFromMail(guest.email, '/verify-email'));
  await expect(page.getByRole('link', { name: guest.name })).toBeVisible();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Your orders' })).toBeVisible();
  await expect(page.getByRole('main').getByText(number)).toBeVisible();
});
