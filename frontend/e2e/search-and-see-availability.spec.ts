import { expect, test } from './support/test';

test('a customer searches for a word from a description, opens the product and sees it per store', async ({ page }) => {
  await page.goto('/');
  const search = page.getByRole('combobox', { name: 'Search the shop' });
  await search.fill('Cornish');
  // Suggestions while typing.
  await expect(page.getByRole('option', { name: /The Lighthouse Keeper's Daughter/ })).toBeVisible();
  await search.press('Enter');

  await expect(page).toHaveURL(/\/catalog\?q=Cornish/);
  await expect(page.getByRole('heading', { level: 1, name: 'Results for “Cornish”' })).toBeVisible();
  await page.getByRole('link', { name: "The Lighthouse Keeper's Daughter" }).click();

  await expect(page).toHaveURL(/\/products\/the-lighthouse-keepers-daughter$/);
  await expect(page.getByRole('heading', { level: 1, name: "The Lighthouse Keeper's Daughter" })).toBeVisible();
  await expect(page).toHaveTitle(/The Lighthouse Keeper's Daughter/);
  await expect(page.getByText('Mara Ellison')).toBeVisible();

  const stores = page.getByRole('list', { name: 'Availability in our stores' });
  await expect(stores.getByRole('listitem')).toHaveCount(3);
  await expect(stores.getByRole('link', { name: 'Kreuzberg Bookshop' })).toBeVisible();
  for (const row of await stores.getByRole('listitem').all()) {
    await expect(row.getByText(/^(Open now|Closed)$/)).toBeVisible();
    await expect(row.getByText(/in stock$|^Out of stock$/)).toBeVisible();
  }
});
