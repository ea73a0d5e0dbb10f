import { expect, test } from './support/test';
import { priceValue, productNames } from './support/catalog';

test('a customer browses a category, filters by price, sorts, pages on, and back and reload keep the list', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Books', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Books' })).toBeVisible();
  await expect(page).toHaveURL(/\/catalog\/books$/);

  await page.getByLabel('To', { exact: true }).fill('20');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\?max=20$/);

  await page.getByLabel('Sort by').selectOption({ label: 'Price: high to low' });
  await expect(page).toHaveURL(/max=20&sort=-price/);
  // The demo's books at €20 or less (The Hidden Life of Fungi counts from its €12.90 paperback;
  // the scenarios' own books cost more, so they never change this count).
  await expect(page.getByText('22 products')).toBeVisible();

  const grid = page.getByRole('list', { name: 'Books' });
  // The sorted page has arrived (the previous one stays on screen, busy, until then).
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(grid.getByRole('article')).toHaveCount(12);
  const firstPage = await productNames(page, 'Books');
  const prices = (await grid.locator('article p.font-semibold').allInnerTexts()).map(priceValue);
  expect(prices.every((price) => price <= 20)).toBe(true);
  expect(prices).toEqual([...prices].sort((a, b) => b - a));

  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(grid.getByRole('article')).toHaveCount(10);
  const secondPage = await productNames(page, 'Books');
  expect(secondPage).not.toEqual(firstPage);

  await page.goBack();
  await expect(page).not.toHaveURL(/page=2/);
  await expect(grid.getByRole('article')).toHaveCount(12);
  expect(await productNames(page, 'Books')).toEqual(firstPage);
  await expect(page.getByLabel('Sort by')).toHaveValue('-price');
  await expect(page.getByLabel('To', { exact: true })).toHaveValue('20');

  await page.goForward();
  await expect(grid.getByRole('article')).toHaveCount(10);
  await page.reload();
  await expect(grid.getByRole('article')).toHaveCount(10);
  expect(await productNames(page, 'Books')).toEqual(secondPage);
  await expect(page.getByRole('link', { name: 'Page 1' })).toBeVisible();
});
