import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { apiSignIn, productId, signIn } from './support/shop';

test('an order page prints as a receipt: its lines and totals, without the site around it', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'printer');
  const auth = await apiSignIn(request, customer);
  const stores = (await (await request.get('/api/v1/stores')).json()).items as { id: number; name: string }[];
  const store = stores.find((candidate) => candidate.name === 'Kreuzberg Bookshop')!;
  const placed = await request.post('/api/v1/orders', {
    headers: auth,
    data: { store_id: store.id, items: [{ product_id: await productId(request, 'midnight-at-the-orchard-hotel'), quantity: 1 }] },
  });
  expect(placed.status()).toBe(201);
  const order = (await placed.json()) as { id: number; number: string };

  await signIn(page, customer);
  await page.goto(`/orders/${order.id}`);
  await expect(page.getByRole('heading', { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ask about this order' })).toBeVisible();
  const chat = page.getByRole('button', { name: 'Chat with us' });
  await expect(chat).toBeVisible();

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('Midnight at the Orchard Hotel');
  await expect(page.getByRole('main')).toContainText('€16.90');
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('contentinfo')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Ask about this order' })).toBeHidden();
  await expect(chat).toBeHidden();
});
