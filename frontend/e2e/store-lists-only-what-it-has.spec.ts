import { expect, test } from './support/test';

// The demo data keeps a sold-out coffee on the bookshop's shelf (decaf-mexico-chiapas = 0 at
// Kreuzberg): "In stock at this store" must not offer it, while the products it has stay listed.
test('a store page lists only what the store has in stock', async ({ page, request }) => {
  const stores = (await (await request.get('/api/v1/stores')).json()).items as { id: number; name: string }[];
  const kreuzberg = stores.find((store) => store.name === 'Kreuzberg Bookshop')!;
  const rows = (await (await request.get(`/api/v1/stores/${kreuzberg.id}/products`, { params: { q: 'Chiapas' } })).json()).items as {
    name: string;
    quantity: number;
  }[];
  const soldOut = rows.find((row) => row.quantity === 0);
  expect(soldOut, 'the demo data has a sold-out product at Kreuzberg').toBeDefined();

  await page.goto(`/stores/${kreuzberg.id}?q=Chiapas`);
  await expect(page.getByRole('heading', { name: 'In stock at this store' })).toBeVisible();
  await expect(page.getByText('Nothing matches “Chiapas”', { exact: false })).toBeVisible();
  await expect(page.getByRole('article').filter({ hasText: soldOut!.name })).toHaveCount(0);

  await page.goto(`/stores/${kreuzberg.id}?q=Yirgacheffe`);
  const shelf = page.getByRole('list', { name: 'In stock at this store' });
  await expect(shelf.getByRole('article').filter({ hasText: 'Yirgacheffe' })).toHaveCount(1);
  await expect(shelf.getByRole('button', { name: /Add .*to cart/ })).toBeEnabled();
});
