import { expect, test } from './support/test';
import { newGuest } from './support/checkout';
import { KREUZBERG, productId } from './support/shop';
import { staffPage } from './support/staff';

test('a guest asks about their order from its page; support answers in the console and the guest sees it live', async ({ browser, request }) => {
  const contact = newGuest('asker');
  // A name of its own: the console's search finds this guest's conversation only.
  const guest = { ...contact, name: `Ada ${contact.email.split('.')[1]!.split('@')[0]}` };
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: { id: number; name: string }[] };
  const placed = await request.post('/api/v1/orders', {
    data: {
      store_id: stores.items.find((store) => store.name === KREUZBERG)!.id,
      items: [{ product_id: await productId(request, 'pip-the-lighthouse-mouse'), quantity: 1 }],
      guest,
    },
  });
  expect(placed.status()).toBe(201);
  const order = (await placed.json()) as { id: number; number: string; access_key: string };

  const agent = await staffPage(browser);
  await agent.goto('/staff');
  await expect(agent.getByRole('heading', { level: 1, name: 'Support console' })).toBeVisible();
  await agent.getByLabel('Search customers').fill(guest.name);

  // The guest opens the link from their mail: no account, no sign-in.
  const shopper = await (await browser.newContext()).newPage();
  await shopper.goto(`/orders/${order.id}#key=${order.access_key}`);
  await expect(shopper.getByRole('heading', { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await shopper.getByRole('button', { name: 'Ask about this order' }).click();
  const panel = shopper.getByRole('region', { name: 'Chat with the shop' });
  await expect(panel.getByText('Connected')).toBeVisible();
  const question = 'Can a friend pick it up for me?';
  await panel.getByRole('textbox', { name: 'Your message' }).fill(question);
  await panel.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(panel.getByText(question, { exact: true })).toBeVisible();
  await expect(panel.getByText('Sending…')).toHaveCount(0);

  // The console names the guest by their order, and answers as it answers customers.
  const item = agent.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(guest.name) });
  await expect(item).toBeVisible();
  await expect(item).toContainText('guest, no account');
  await expect(item).toContainText(`#${order.id}`);
  await item.click();
  const pane = agent.getByRole('region', { name: `Conversation with ${guest.name}` });
  await expect(pane.getByText(question, { exact: true })).toBeVisible();
  const answerBox = pane.getByRole('textbox', { name: `Answer ${guest.name}` });
  await answerBox.fill('Yes, just bring the order number.');
  await answerBox.press('Enter');
  await expect(panel.getByText('Yes, just bring the order number.', { exact: true })).toBeVisible();

  // Back later from the same browser (the key is kept): the conversation is still there.
  await shopper.reload();
  await expect(shopper.getByRole('heading', { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await expect(panel.getByText('Yes, just bring the order number.', { exact: true })).toBeVisible();
});
