import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { accountOf, addFunds, apiSignIn, productId, signIn } from './support/shop';

test('a customer is sent away from the staff pages, cannot watch a store’s orders, and hears nothing of another customer’s order', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'notstaff');
  const page = await (await browser.newContext()).newPage();
  const frames: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
  await signIn(page, customer);

  for (const path of ['/staff', '/staff/orders?store=1']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Support console' })).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Staff' })).toHaveCount(0);
  }

  // Asking the socket for a store's board, as a script in the page could: refused.
  const answer = await page.evaluate(async ({ login, password }) => {
    const response = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
    if (!response.ok) return `login answered ${response.status}: ${await response.text()}`;
    const { access_token: token } = (await response.json()) as { access_token: string };
    return new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://${location.host}/api/v1/support/ws`, ['shop-support', `bearer.${token}`]);
      // Resolves however it ends, so a failure names what happened instead of timing out.
      socket.onclose = (event) => resolve(`closed ${event.code} ${event.reason}`);
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string; code?: string };
        if (frame.type === 'auth_ok') socket.send(JSON.stringify({ type: 'subscribe', board: { store_id: 1 }, ref: 'mine' }));
        if (frame.type === 'error' || frame.type === 'subscribed') {
          resolve(frame.type === 'error' ? String(frame.code) : 'subscribed');
          socket.close();
        }
      };
    });
  }, { login: customer.email, password: customer.password });
  expect(answer).toBe('insufficient_role');

  // Another customer orders and pays: this customer's live socket carries none of it.
  const other = await verifiedCustomer(request, 'otherbuyer');
  const auth = await apiSignIn(request, other);
  await addFunds(request, auth, '40.00');
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `other-${other.username}` },
    data: { store_id: 1, items: [{ product_id: await productId(request, 'berlin-zehn-strassen'), quantity: 1 }], pay_with_account_id: (await accountOf(request, auth)).id },
  });
  expect(placed.status()).toBe(201);
  const { number } = (await placed.json()) as { number: string };
  // Then an order of this customer's own (to pay at pickup): events leave in commit order, so
  // once its frame is here, one about the other order would have come before it.
  const mine = await request.post('/api/v1/orders', {
    headers: { ...(await apiSignIn(request, customer)), 'Idempotency-Key': `mine-${customer.username}` },
    data: { store_id: 1, items: [{ product_id: await productId(request, 'berlin-zehn-strassen'), quantity: 1 }] },
  });
  expect(mine.status()).toBe(201);
  const own = (await mine.json()) as { number: string };
  await expect.poll(() => frames.some((frame) => frame.includes('"type":"order"') && frame.includes(own.number))).toBe(true);
  expect(frames.filter((frame) => frame.includes(number))).toEqual([]);
});
