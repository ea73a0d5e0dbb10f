import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { mailText } from './support/mail';
import { KREUZBERG, accountOf, addFromProductPage, addFunds, apiSignIn, productId } from './support/shop';

test('a guest fills a cart, signs in, finds it merged, checks out at a store that has it all, pays from the balance', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'merger');
  const auth = await apiSignIn(request, customer);
  await addFunds(request, auth, '80.00');
  // The customer's own cart already holds one copy: the guest's lines are added to it.
  await request.post('/api/v1/cart/items', { headers: auth, data: { product_id: await productId(request, 'winter-in-lisbon'), quantity: 1 } });

  // As a guest: two products, the badge counts them, the cart page lists them.
  await addFromProductPage(page, 'walking-the-rhine', 2);
  await addFromProductPage(page, 'winter-in-lisbon');
  await expect(page.getByRole('link', { name: 'Cart, 3 items' })).toBeVisible();
  await page.getByRole('link', { name: 'Cart, 3 items' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  const lines = page.getByRole('list', { name: 'Products in your cart' });
  await expect(lines.getByRole('listitem')).toHaveCount(2);
  await expect(page.getByRole('list', { name: 'Where to pick it up' })).toContainText(`${KREUZBERG}Has everything now`);

  await page.getByRole('link', { name: 'Sign in to check out' }).click();
  await page.getByLabel('E-mail or username').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Merged: the customer is told, the browser's cart is gone, quantities were added up.
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByText('The 3 items you picked before signing in are in your cart.')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('shop.cart'))).toBeNull();
  await expect(page.getByRole('link', { name: 'Cart, 4 items' })).toBeVisible();
  const review = page.getByRole('region', { name: 'Your order' });
  await expect(review).toContainText('Walking the Rhine: A Journey on Foot × 2');
  await expect(review).toContainText('Winter in Lisbon × 2');

  // Only the store with everything can be chosen; the others say what they are short of.
  const stores = page.getByRole('group', { name: 'Where do you pick it up?' });
  await expect(stores.getByRole('radio', { name: KREUZBERG })).toBeChecked();
  await expect(stores.getByRole('radio', { name: 'Brooklyn Books & Coffee' })).toBeDisabled();
  await expect(stores).toContainText('Walking the Rhine: A Journey on Foot: none left (you want 2)');
  const cart = (await (await request.get('/api/v1/cart', { headers: auth })).json()) as { total: string };
  const totalValue = Number(cart.total);
  const total = `€${cart.total}`;
  await expect(page.getByRole('radio', { name: 'From my balance' })).toBeChecked();
  await expect(page.getByText(`Balance €80.00 now, €${(80 - totalValue).toFixed(2)} after this order.`)).toBeVisible();

  await page.getByRole('button', { name: `Place order · ${total}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  const number = await page.locator('strong').filter({ hasText: /^\d{6}-\d{5}$/ }).innerText();
  const main = page.getByRole('main');
  await expect(main.getByText('Paid from your balance.', { exact: false })).toBeVisible();
  await expect(main.getByRole('heading', { name: KREUZBERG })).toBeVisible();
  await expect(main.getByText('Bergmannstraße 25, 10961 Berlin, Germany')).toBeVisible();
  await expect(main.getByRole('table')).toContainText('Local time: Central European Time');
  await expect(page.getByRole('heading', { name: 'What happens next' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart, 0 items' })).toBeVisible();

  // The confirmation mail, with the link to the order page.
  const mail = await mailText(customer.email, number);
  expect(mail).toContain(`Thank you for your order ${number}`);
  const link = mail.match(/https?:\/\/\S+\/orders\/\d+/)?.[0];
  expect(link).toBeTruthy();
  await page.goto(new URL(link!).pathname);
  await expect(page.getByRole('heading', { level: 1, name: `Order ${number}` })).toBeVisible();
  await expect(page.getByText('Paid', { exact: true }).first()).toBeVisible();

  // The balance dropped by the total, and the ledger says why.
  await page.goto('/account');
  await expect(page.getByTestId('balance')).toHaveText(`€${(80 - totalValue).toFixed(2)}`);
  await expect(page.getByRole('list', { name: 'Transactions' }).getByRole('listitem').first()).toContainText(`Order payment`);
  expect((await accountOf(request, auth)).balance).toBe((80 - totalValue).toFixed(2));
});
