import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { PAGES, pageReady } from './support/pages';

for (const { name, path } of PAGES) {
  test(`${name} has no serious or critical accessibility violation`, async ({ page }) => {
    await page.goto(path);
    await pageReady(page);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    const severe = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    expect(severe).toEqual([]);
  });
}

test('a customer signs in with the keyboard alone', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'keyboard');
  await page.goto('/login');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  // From the top of the page: Tab until the login field has focus, as a keyboard user would.
  for (let i = 0; i < 40 && !(await page.getByLabel('E-mail or username').evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  await expect(page.getByLabel('E-mail or username')).toBeFocused();
  await page.keyboard.type(customer.username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(customer.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: customer.fullName })).toBeVisible();
});

test('a customer searches and opens a suggestion with the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await pageReady(page);
  await page.keyboard.press('Tab'); // skip link
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  for (let i = 0; i < 10 && !(await page.getByRole('combobox', { name: 'Search the shop' }).evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  const search = page.getByRole('combobox', { name: 'Search the shop' });
  await expect(search).toBeFocused();
  await page.keyboard.type('lighthouse');
  await expect(search).toHaveAttribute('aria-expanded', 'true');
  const wanted = page.getByRole('option', { name: /The Lighthouse Keeper's Daughter/ });
  await expect(wanted).toBeVisible();
  for (let i = 0; i < 6 && (await wanted.getAttribute('aria-selected')) !== 'true'; i += 1) {
    await page.keyboard.press('ArrowDown');
  }
  await expect(wanted).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', (await wanted.getAttribute('id'))!);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: "The Lighthouse Keeper's Daughter" })).toBeVisible();
});
