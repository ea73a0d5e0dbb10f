import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './support/test';
import { expectAccessible } from './support/checkout';
import { verifiedCustomer } from './support/customer';
import { createFlatWhite } from './support/options';
import { BROOKLYN, KREUZBERG, apiSignIn } from './support/shop';

type ServerCart = { total: string; items: { quantity: number; unit_price: string; variant: { name: string } | null; modifiers: { name: string }[] }[] };
/** The customer's cart as the server keeps it: each line's size, modifiers and quantity. */
async function serverLines(request: APIRequestContext, auth: Record<string, string>): Promise<{ lines: string[]; total: string }> {
  const cart = (await (await request.get('/api/v1/cart', { headers: auth })).json()) as ServerCart;
  const lines = cart.items.map((line) => `${line.variant?.name} ${line.modifiers.map((modifier) => modifier.name).join('+')} × ${line.quantity} @ ${line.unit_price}`);
  return { lines: lines.sort(), total: cart.total };
}

test('a guest configures two flat whites, signs in with them, adds one again and changes the other: one line of three, bought as priced', async ({ page, request }) => {
  test.slow(); // a guest's cart, a sign-in, two changes and a checkout on a busy 2-core machine
  const slug = await createFlatWhite(request);
  const customer = await verifiedCustomer(request, 'flatwhite');
  const auth = await apiSignIn(request, customer);
  await page.setViewportSize({ width: 360, height: 740 });

  // In a list, a drink that needs choosing says "Choose" and opens its page; a plain book still adds.
  await page.goto(`/catalog?${new URLSearchParams({ q: 'Winter in Lisbon' })}`);
  await expect(page.getByRole('main').getByRole('button', { name: 'Add to cart: Winter in Lisbon' })).toBeVisible();
  await page.goto(`/catalog?${new URLSearchParams({ q: 'Flat white', sort: 'newest' })}`);
  const choose = page.getByRole('main').locator(`a[href="/products/${slug}"]`).filter({ hasText: 'Choose' });
  await expect(choose).toHaveAccessibleName('Choose options: Flat white');
  await expect(page.getByRole('main').getByRole('button', { name: 'Add to cart: Flat white' })).toHaveCount(0);
  await choose.click();

  // As a guest: a large oat with an extra shot, then a small dairy one.
  const main = page.getByRole('main');
  await expect(page.getByRole('heading', { level: 1, name: 'Flat white' })).toBeVisible();
  await main.getByRole('radio', { name: /Oat/ }).click();
  await main.getByRole('checkbox', { name: /Extra shot/ }).click();
  await main.getByRole('button', { name: 'Add Large to cart, €5.40' }).click();
  await expect(page.getByRole('status').getByText('Flat white (Large · Oat, Extra shot) is in your cart.')).toBeVisible();
  await main.getByRole('radio', { name: /Dairy/ }).click();
  await main.getByRole('checkbox', { name: /Extra shot/ }).click();
  await main.getByRole('button', { name: 'Add Small to cart, €3.20' }).click();
  await expect(page.getByRole('status').getByText('Flat white (Small · Dairy) is in your cart.')).toBeVisible();

  await page.goto('/cart');
  const lines = page.getByRole('list', { name: 'Products in your cart' }).getByRole('listitem');
  await expect(lines).toHaveCount(2);
  // The stores are asked about each line as configured: Brooklyn is out of oat.
  const pickup = page.getByRole('list', { name: 'Where to pick it up' });
  await expect(pickup).toContainText(`Flat white — Large: Oat is out at ${BROOKLYN}`);
  await expect(pickup).toContainText(`${KREUZBERG}Has everything now`);

  await page.getByRole('link', { name: 'Sign in to check out' }).click();
  await page.getByLabel('E-mail or username').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByText('The 2 items you picked before signing in are in your cart.')).toBeVisible();
  // The merge kept each line's options: two lines, priced by the server.
  expect((await serverLines(request, auth)).lines).toEqual(['Large Oat+Extra shot × 1 @ 5.40', 'Small Dairy × 1 @ 3.20']);

  // The same large oat with a shot, added again from the product page, joins its line.
  await page.goto(`/products/${slug}`);
  await main.getByRole('radio', { name: /Oat/ }).click();
  await main.getByRole('checkbox', { name: /Extra shot/ }).click();
  await main.getByRole('button', { name: 'Add Large to cart, €5.40' }).click();
  await expect(page.getByRole('status').getByText('Flat white (Large · Oat, Extra shot) is in your cart.')).toBeVisible();
  expect((await serverLines(request, auth)).lines).toEqual(['Large Oat+Extra shot × 2 @ 5.40', 'Small Dairy × 1 @ 3.20']);

  // "Change" on the small one to large, oat and a shot: one request, and the lines become one.
  await page.goto('/cart');
  await expect(lines).toHaveCount(2);
  const small = lines.filter({ hasText: 'Small · Dairy' });
  await small.getByRole('button', { name: 'Change the options of Flat white' }).click();
  const panel = page.getByRole('region', { name: 'Options of Flat white' });
  await panel.getByRole('radio', { name: /Large/ }).click();
  await panel.getByRole('radio', { name: /Oat/ }).click();
  await panel.getByRole('checkbox', { name: /Extra shot/ }).click();
  const changes: string[] = [];
  page.on('request', (sent) => {
    if (sent.url().includes('/api/v1/cart/items/')) changes.push(sent.method());
  });
  await panel.getByRole('button', { name: 'Save · €5.40' }).click();
  await expect(page.getByRole('status').getByText('Flat white now: Large · Oat, Extra shot.')).toBeVisible();
  await expect(lines).toHaveCount(1);
  await expect(lines.first()).toContainText('Large · Oat, Extra shot');
  await expect(lines.first().getByRole('textbox', { name: 'Quantity of Flat white' })).toHaveValue('3');
  expect(changes).toEqual(['PATCH']);
  const { lines: merged, total } = await serverLines(request, auth);
  expect(merged).toEqual(['Large Oat+Extra shot × 3 @ 5.40']);
  expect(total).toBe('16.20');
  await expect(page.getByTestId('cart-total')).toHaveText(`€${total}`);
  await expect(pickup).toContainText(`Flat white — Large: Oat is out at ${BROOKLYN}`);
  await expectAccessible(page, 'the cart with options on a phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await expectAccessible(page, 'the cart with options on a desktop');

  // Checkout at a store where oat is in: Brooklyn cannot be chosen and says why.
  await page.getByRole('main').getByRole('link', { name: 'Check out', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  const where = page.getByRole('group', { name: 'Where do you pick it up?' });
  await expect(where.getByRole('radio', { name: BROOKLYN })).toBeDisabled();
  await expect(where).toContainText(`Flat white — Large: Oat is out at ${BROOKLYN}`);
  await where.getByRole('radio', { name: KREUZBERG }).check();
  await page.getByRole('radio', { name: /^At pickup/ }).check();
  await page.getByRole('button', { name: `Place order · €${total}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  await page.getByRole('link', { name: 'See the order' }).click();
  const row = page.getByRole('main').getByRole('table').getByRole('row').filter({ hasText: 'Flat white' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Flat white — Large');
  await expect(row).toContainText('Oat +€0.40 · Extra shot +€0.60');
  await expect(row.getByRole('cell').first()).toHaveText('3');
  await expect(row.getByRole('cell').last()).toHaveText(`€${total}`);
});
