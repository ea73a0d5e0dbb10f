import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from './support/test';
import { verifiedCustomer } from './support/customer';
import { accountOf, addFunds, apiSignIn, productId, signIn } from './support/shop';

/** No serious or critical axe violation, and no horizontal scroll on a 360×740 phone. */
async function check(page: Page, path: string, ready: () => Promise<void>) {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(path);
  await ready();
  await page.waitForLoadState('networkidle');
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(width.scroll, `horizontal scroll on ${path} at 360 px`).toBeLessThanOrEqual(width.client);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(path);
  await ready();
  await page.waitForLoadState('networkidle');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const severe = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(severe, `axe on ${path}`).toEqual([]);
}

const h1 = (page: Page, name: string | RegExp) => () => page.getByRole('heading', { level: 1, name }).waitFor();

test("a guest's cart page passes axe and fits a phone", async ({ page }) => {
  await page.goto('/products/the-slow-kitchen');
  await page.getByRole('main').getByRole('button', { name: 'Add to cart', exact: true }).click();
  // In the cart before leaving the page (a click before the page was ready added nothing).
  await expect(page.getByRole('status').getByText(/in your cart\.$/)).toBeVisible();
  await check(page, '/cart', async () => {
    await page.getByRole('list', { name: 'Where to pick it up' }).waitFor();
  });
});

test('every page of the cart, checkout, orders and account passes axe and fits a phone', async ({ page, request }) => {
  test.slow();
  const customer = await verifiedCustomer(request, 'pages');
  const auth = await apiSignIn(request, customer);
  await addFunds(request, auth, '60.00');
  const account = await accountOf(request, auth);
  await request.post('/api/v1/cart/items', { headers: auth, data: { product_id: await productId(request, 'habits-of-quiet-minds'), quantity: 1 } });
  const placed = await request.post('/api/v1/orders', { headers: { ...auth, 'Idempotency-Key': `pages-${customer.username}` }, data: { store_id: 1, pay_with_account_id: account.id } });
  expect(placed.status()).toBe(201);
  const order = (await placed.json()) as { id: number; number: string };
  await request.post('/api/v1/cart/items', { headers: auth, data: { product_id: await productId(request, 'habits-of-quiet-minds'), quantity: 2 } });
  const topUp = (await (await request.post(`/api/v1/accounts/${account.id}/top-ups`, { headers: auth, data: { amount: '10.00' } })).json()) as { id: number; redirect_url: string };
  await request.post(topUp.redirect_url, { form: { decision: 'decline' }, maxRedirects: 0 });

  await signIn(page, customer);
  await check(page, '/cart', async () => {
    await page.getByRole('list', { name: 'Where to pick it up' }).waitFor();
  });
  await check(page, '/checkout', async () => {
    await page.getByRole('radio', { name: 'From my balance' }).waitFor();
  });
  await check(page, `/orders/${order.id}/placed`, h1(page, 'Thank you! Your order is placed'));
  await check(page, `/orders/${order.id}`, h1(page, `Order ${order.number}`));
  await check(page, '/orders', h1(page, 'Your orders'));
  await check(page, '/orders?status=cancelled', async () => {
    await page.getByText('No orders with this status').waitFor();
  });
  await check(page, '/account', async () => {
    await page.getByRole('list', { name: 'Transactions' }).waitFor();
  });
  await check(page, `/account/top-ups/${topUp.id}`, async () => {
    await page.getByText('The payment was declined').waitFor();
  });
  await check(page, '/account/profile', h1(page, 'Your details'));
  await check(page, '/account/security', async () => {
    await page.getByRole('list', { name: 'Where you are signed in' }).waitFor();
  });
  // The cancel dialog, open.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/orders/${order.id}`);
  await page.getByRole('button', { name: 'Cancel the order' }).click();
  await page.getByRole('dialog').waitFor();
  const results = await new AxeBuilder({ page }).include('dialog').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
});
