import { expect, test, type Locator } from './support/test';
import { verifiedCustomer } from './support/customer';
import { signIn } from './support/shop';
import { dropLiveSockets, staffPage } from './support/staff';

/** The texts of the panel's messages, in order (pending ones too). */
const texts = (panel: Locator) => panel.getByRole('list', { name: 'Messages' }).getByRole('listitem').locator('p.whitespace-pre-wrap').allInnerTexts();

test('the server drops the chat socket and the customer goes offline: the panel reconnects, sends what was queued and shows every message exactly once', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'reconnect');
  const context = await browser.newContext();
  const shopper = await context.newPage();
  let sockets = 0;
  shopper.on('websocket', () => (sockets += 1));
  await signIn(shopper, customer);
  await shopper.getByRole('button', { name: 'Chat with us' }).click();
  const panel = shopper.getByRole('region', { name: 'Chat with the shop' });
  const box = panel.getByRole('textbox', { name: 'Your message' });
  await box.fill('one');
  await box.press('Enter');
  await expect(panel.getByText('Sending…')).toHaveCount(0);

  const agent = await staffPage(browser);
  await agent.goto('/staff');
  await agent.getByLabel('Search customers').fill(customer.username);
  await agent.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`@${customer.username}`) }).click();
  const pane = agent.getByRole('region', { name: `Conversation with ${customer.fullName}` });
  const answer = pane.getByRole('textbox', { name: `Answer ${customer.fullName}` });
  await answer.fill('two');
  await answer.press('Enter');
  await expect(panel.getByText('two', { exact: true })).toBeVisible();

  // The server closes every socket (1012): both come back by themselves.
  const before = sockets;
  await dropLiveSockets();
  await expect.poll(() => sockets, { message: 'a new socket after the drop', timeout: 20_000 }).toBeGreaterThan(before);
  await expect(panel.getByText('Connected')).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => texts(panel)).toEqual(['one', 'two']);

  // Offline: said clearly; what is written waits, and what was answered meanwhile comes with the history.
  await context.setOffline(true);
  await expect(panel.getByText('You are offline. Messages you write are sent when you are back.')).toBeVisible();
  await box.fill('three, written offline');
  await box.press('Enter');
  await expect(panel.getByText('Waiting for the connection: sent once you are back online')).toBeVisible();
  await answer.fill('four, while you were away');
  await answer.press('Enter');
  await expect(pane.getByText('four, while you were away', { exact: true })).toBeVisible();

  await context.setOffline(false);
  await expect(panel.getByText('Connected')).toBeVisible({ timeout: 20_000 });
  await expect(panel.getByText('Waiting for the connection: sent once you are back online')).toHaveCount(0);
  await expect.poll(() => texts(panel)).toEqual(['one', 'two', 'four, while you were away', 'three, written offline']);
  await expect(pane.getByText('three, written offline', { exact: true })).toHaveCount(1);

  // A reload brings the same conversation back from the server, once each.
  await shopper.reload();
  await expect.poll(() => texts(panel)).toEqual(['one', 'two', 'four, while you were away', 'three, written offline']);
});
