import { expect, test } from './support/test';

test('a product link shared in Russian opens in Russian, and the tab title follows the next page', async ({ page }) => {
  await page.goto('/products/the-lighthouse-keepers-daughter?lang=ru');

  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  // The catalog's own text in Russian too (its translation).
  await expect(page.getByRole('heading', { level: 1, name: 'Дочь смотрителя маяка' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Наличие в магазинах' })).toBeVisible();
  await expect(page).toHaveTitle(/^Дочь смотрителя маяка · /);
  // The server's title and description gave way to the page's own: one of each.
  await expect(page.locator('head title')).toHaveCount(1);
  await expect(page.locator('head meta[name="description"]')).toHaveCount(1);
  await expect(page.locator('head link[rel="canonical"]')).toHaveAttribute('href', /\/products\/the-lighthouse-keepers-daughter\?lang=ru$/);

  await page.getByRole('link', { name: 'Каталог', exact: true }).first().click();

  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page).toHaveTitle(/^Все товары · /);
  await expect(page.locator('head title')).toHaveCount(1);
  // The first page's canonical URL, Open Graph tags and JSON-LD are not left describing this one.
  await expect(page.locator('head [data-page-meta]')).toHaveCount(0);
});
