import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { addFromProductPage, apiSignIn, signIn } from './support/shop';

test('the answer to "place order" is lost: the retry with the same key gives exactly one order', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'unlucky');
  await signIn(page, customer);
  await addFromProductPage(page, 'nachtzug-nach-triest');
  await page.goto('/checkout');
  await expect(page.getByRole('radio', { name: 'At pickup' })).toBeChecked();

  // The first POST reaches the server and is answered, but the answer never reaches the page.
  const keys: string[] = [];
  const statuses: number[] = [];
  await page.route('**/api/v1/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    keys.push((await route.request().headerValue('idempotency-key')) ?? '');
    if (keys.length === 1) {
      const answer = await route.fetch();
      statuses.push(answer.status());
      return route.abort('connectionreset');
    }
    const answer = await route.fetch();
    statuses.push(answer.status());
    expect(answer.headers()['idempotent-replayed']).toBe('true');
    return route.fulfill({ response: answer });
  });

  await page.getByRole('button', { name: /^Place order/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  expect(statuses).toEqual([201, 201]);
  expect(keys).toHaveLength(2);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(keys[1]).toBe(keys[0]);

  const orders = (await (await request.get('/api/v1/orders', { headers: await apiSignIn(request, customer) })).json()) as { total: number };
  expect(orders.total).toBe(1);
  await page.goto('/orders');
  await expect(page.getByRole('list', { name: 'Your orders' }).getByRole('listitem')).toHaveCount(1);
});
