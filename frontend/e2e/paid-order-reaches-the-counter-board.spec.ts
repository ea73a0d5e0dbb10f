import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { accountOf, addFunds, apiSignIn, productId, signIn } from './support/shop';
import { dropLiveSockets, staffPage } from './support/staff';

test('a paid order appears on its store’s board within a second (not on another’s); staff move it to preparing and ready, and the customer’s open order page follows without a reload', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'counter');
  const auth = await apiSignIn(request, customer);
  await addFunds(request, auth, '40.00');
  const account = await accountOf(request, auth);

  // The counter of store 1 and, in another window, store 2's board.
  const barista = await staffPage(browser);
  await barista.goto('/staff/orders');
  await barista.getByRole('combobox', { name: 'Store' }).selectOption({ label: 'Kreuzberg Bookshop' });
  await expect(barista.getByRole('heading', { level: 2, name: /^New/ })).toBeVisible();
  await expect(barista.getByText('Live', { exact: true })).toBeVisible();
  const elsewhere = await barista.context().newPage();
  await elsewhere.goto('/staff/orders?store=2');
  await expect(elsewhere.getByRole('heading', { level: 2, name: /^New/ })).toBeVisible();

  const shopper = await (await browser.newContext()).newPage();
  await signIn(shopper, customer);

  const book = await productId(request, 'berlin-zehn-strassen');
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `counter-${customer.username}` },
    data: { store_id: 1, items: [{ product_id: book, quantity: 1 }], pay_with_account_id: account.id },
  });
  const paidAt = Date.now();
  expect(placed.status()).toBe(201);
  const order = (await placed.json()) as { id: number; number: string };
  const card = barista.getByRole('listitem', { name: `Order ${order.number}` });
  await expect(card).toBeVisible({ timeout: 1_000 });
  console.log(`[board] order on the board ${Date.now() - paidAt} ms after the payment's answer`);
  await expect(card).toContainText('Berlin: Zehn Straßen, zehn Jahrhunderte');
  await expect(card.getByText('New', { exact: true })).toBeVisible();
  await expect(barista.getByText(`New order ${order.number}`)).toBeAttached();
  const newColumn = barista.getByRole('region', { name: /^New/ });
  await expect(newColumn.getByRole('listitem', { name: `Order ${order.number}` })).toBeVisible();

  // The customer's order page, open while the counter works.
  await shopper.goto(`/orders/${order.id}`);
  await expect(shopper.getByRole('heading', { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await expect(shopper.getByRole('main').getByText('Paid', { exact: true }).first()).toBeVisible();
  await shopper.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await card.getByRole('button', { name: `Start preparing: order ${order.number}` }).click();
  await expect(barista.getByRole('region', { name: /^Preparing/ }).getByRole('listitem', { name: `Order ${order.number}` })).toBeVisible();
  await expect(shopper.getByRole('main').getByText('Being prepared', { exact: true }).first()).toBeVisible();

  await card.getByRole('button', { name: `Mark ready: order ${order.number}` }).click();
  await expect(barista.getByRole('region', { name: /^Ready for pickup/ }).getByRole('listitem', { name: `Order ${order.number}` })).toBeVisible();
  await expect(shopper.getByRole('main').getByText('Ready for pickup', { exact: true }).first()).toBeVisible();
  await expect(shopper.getByText(`Your order ${order.number} is ready for pickup.`)).toBeVisible();
  expect(await shopper.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

  // Picked up: it leaves the board. Store 2's board never saw it.
  await card.getByRole('button', { name: `Picked up: order ${order.number}` }).click();
  await expect(card).toHaveCount(0);
  await expect(shopper.getByRole('main').getByText('Collected', { exact: true }).first()).toBeVisible();
  await expect(elsewhere.getByRole('listitem', { name: `Order ${order.number}` })).toHaveCount(0);

  // The server drops every socket while another order comes in: the board reconnects and reloads.
  await dropLiveSockets();
  const again = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `counter-again-${customer.username}` },
    data: { store_id: 1, items: [{ product_id: book, quantity: 1 }] },
  });
  expect(again.status()).toBe(201);
  const second = (await again.json()) as { number: string };
  await expect(barista.getByRole('listitem', { name: `Order ${second.number}` })).toBeVisible({ timeout: 20_000 });
  await expect(barista.getByText('Live', { exact: true })).toBeVisible();
  await elsewhere.reload();
  await expect(elsewhere.getByRole('heading', { level: 2, name: /^New/ })).toBeVisible();
  await expect(elsewhere.getByRole('listitem', { name: `Order ${order.number}` })).toHaveCount(0);
});
