import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './support/test';
import { expectAccessible } from './support/checkout';
import { verifiedCustomer, type Customer } from './support/customer';
import { apiSignIn, CLERKENWELL, signIn } from './support/shop';
import { staffPage } from './support/staff';

type Option = { id: number; name: string };
type FlatWhite = { id: number; variants: Option[]; modifier_groups: (Option & { modifiers: Option[] })[] };

/** Through the API, at the London coffee bar: two large oat flat whites with an extra shot and one as the page's defaults (the demo flat white of `make run`). */
async function orderLargeOatFlatWhites(request: APIRequestContext, prefix: string): Promise<{ customer: Customer; storeId: number; order: { id: number; number: string } }> {
  const customer = await verifiedCustomer(request, prefix);
  const auth = await apiSignIn(request, customer);
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: Option[] };
  const london = stores.items.find((store) => store.name === CLERKENWELL)!;
  const flatWhite = (await (await request.get('/api/v1/products/flat-white')).json()) as FlatWhite;
  const large = flatWhite.variants.find((variant) => variant.name === 'Large')!;
  const [milk, extras] = flatWhite.modifier_groups;
  const oat = milk.modifiers.find((modifier) => modifier.name === 'Oat')!;
  const shot = extras.modifiers.find((modifier) => modifier.name === 'Extra shot')!;
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `oat-large-${customer.username}` },
    data: {
      store_id: london.id,
      items: [
        { product_id: flatWhite.id, variant_id: large.id, modifier_ids: [oat.id, shot.id], quantity: 2 },
        { product_id: flatWhite.id, quantity: 1 },
      ],
    },
  });
  expect(placed.status()).toBe(201);
  return { customer, storeId: london.id, order: (await placed.json()) as { id: number; number: string } };
}

test('a large oat flat white with an extra shot reaches the counter’s board saying what to make, in English and Russian, and the board passes axe', async ({ browser, request }) => {
  const barista = await staffPage(browser);
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: Option[] };
  await barista.goto(`/staff/orders?store=${stores.items.find((store) => store.name === CLERKENWELL)!.id}`);
  await expect(barista.getByText('Live', { exact: true })).toBeVisible();
  const { order } = await orderLargeOatFlatWhites(request, 'oatboard');

  const card = barista.getByRole('listitem', { name: `Order ${order.number}` });
  await expect(card).toBeVisible();
  const lines = card.getByRole('list', { name: `Lines of order ${order.number}` });
  // What to make, line by line: the size after the name, the options on their own line.
  await expect(lines.getByRole('listitem').filter({ hasText: '2 × Flat White — Large' })).toContainText('Oat · Extra shot');
  await expect(lines.getByRole('listitem').filter({ hasText: '1 × Flat White — Small' })).toContainText('Dairy');
  await expect(card.getByText('Options: Oat · Extra shot', { exact: true })).toBeVisible();
  await expectAccessible(barista, 'the board with a configured order');

  // The same ticket for a Russian-speaking barista: the interface in Russian, the line as bought.
  await barista.getByRole('combobox', { name: 'Language' }).selectOption('ru');
  await expect(barista.locator('html')).toHaveAttribute('lang', 'ru');
  const ticket = barista.getByRole('listitem', { name: `Заказ ${order.number}` });
  await expect(ticket.getByRole('list', { name: `Позиции заказа ${order.number}` })).toContainText('2 × Flat White — Large');
  await expect(ticket.getByText('Опции: Oat · Extra shot', { exact: true })).toBeVisible();
  await expectAccessible(barista, 'the board in Russian');
});

test('the customer’s order page lists a configured line’s size and options with what each added, and passes axe', async ({ page, request }) => {
  const { customer, order } = await orderLargeOatFlatWhites(request, 'oatpage');
  await signIn(page, customer);
  await page.goto(`/orders/${order.id}`);
  const large = page.getByRole('rowheader', { name: /Flat White — Large/ });
  await expect(large).toContainText('Oat +€0.40 · Extra shot +€0.60');
  await expect(page.getByRole('rowheader', { name: /Flat White — Small/ })).toContainText('Dairy');
  await expectAccessible(page, 'the order page with a configured line');
});
