import { expect, test } from './support/test';
import { verifiedCustomer } from './support/customer';
import { signIn } from './support/shop';
import { staffPage } from './support/staff';

test('a customer writes from the chat panel; support sees the conversation appear, joins and answers; both see each other typing', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'chatter');
  const agent = await staffPage(browser);
  await agent.goto('/staff');
  await expect(agent.getByRole('heading', { level: 1, name: 'Support console' })).toBeVisible();
  await agent.getByLabel('Search customers').fill(customer.username);

  const shopper = await (await browser.newContext()).newPage();
  await signIn(shopper, customer);
  await shopper.goto('/catalog');
  await shopper.getByRole('button', { name: 'Chat with us' }).click();
  const panel = shopper.getByRole('region', { name: 'Chat with the shop' });
  await expect(panel.getByText('Connected')).toBeVisible();
  await expect(panel.getByRole('textbox', { name: 'Your message' })).toBeFocused();

  // Shown at once, then confirmed; markup in a message is text, never HTML.
  const question = 'Is <b>The Slow Kitchen</b> in stock & signed?';
  await panel.getByRole('textbox', { name: 'Your message' }).fill(question);
  await panel.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(panel.getByText(question, { exact: true })).toBeVisible();
  await expect(panel.getByText('Sending…')).toHaveCount(0);
  expect(await panel.locator('b').count()).toBe(0);

  // The conversation appears in the console live, and is opened beside the list.
  const item = agent.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`@${customer.username}`) });
  await expect(item).toBeVisible();
  await expect(item).toContainText('waiting for an answer');
  await item.click();
  const pane = agent.getByRole('region', { name: `Conversation with ${customer.fullName}` });
  await expect(pane.getByText(question, { exact: true })).toBeVisible();
  expect(await pane.locator('b').count()).toBe(0);

  // Support types: the customer sees it; then the answer arrives.
  const answerBox = pane.getByRole('textbox', { name: `Answer ${customer.fullName}` });
  // Seen while support still types (the line stays a few seconds after the last keystroke).
  await answerBox.pressSequentially('Yes, ', { delay: 20 });
  await expect(panel.getByText('The shop is typing…')).toBeVisible();
  await answerBox.pressSequentially('one signed copy', { delay: 20 });
  await answerBox.press('Enter');
  await expect(panel.getByText('Yes, one signed copy', { exact: true })).toBeVisible();
  await expect(panel.getByText('The shop is typing…')).toHaveCount(0);
  await expect(pane.getByText('Yes, one signed copy', { exact: true })).toHaveCount(1);

  // The customer types: support sees who.
  await panel.getByRole('textbox', { name: 'Your message' }).pressSequentially('Great', { delay: 20 });
  await expect(pane.getByText(`${customer.fullName} is typing…`)).toBeVisible();
  await panel.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(pane.getByText('Great', { exact: true })).toBeVisible();

  // The panel keeps its state across pages; closed, an answer shows as an unread badge.
  await shopper.getByRole('link', { name: 'Stores', exact: true }).click();
  await expect(shopper.getByRole('heading', { level: 1 })).toContainText(/stores/i);
  await expect(panel.getByText('Great', { exact: true })).toBeVisible();
  await panel.getByRole('button', { name: 'Close the chat' }).click();
  await expect(shopper.getByRole('button', { name: 'Chat with us' })).toBeFocused();
  await answerBox.fill('Reserved it for you until Friday.');
  await answerBox.press('Enter');
  await expect(shopper.getByRole('button', { name: 'Chat with us 1 unread message' })).toBeVisible();
  await shopper.getByRole('button', { name: /Chat with us/ }).click();
  await expect(panel.getByText('Reserved it for you until Friday.', { exact: true })).toBeVisible();
  await panel.press('Escape');
  await expect(shopper.getByRole('button', { name: 'Chat with us', exact: true })).toBeVisible();

  // The conversation is the agent's now ("mine"), and closing it tells the customer.
  await agent.getByRole('button', { name: 'Mine', exact: true }).click();
  await expect(item).toContainText('yours');
  await pane.getByRole('button', { name: 'Close the conversation' }).click();
  await expect(pane.getByText('Closed. The customer’s next message starts a new conversation.')).toBeVisible();
  await shopper.getByRole('button', { name: 'Chat with us' }).click();
  await expect(panel.getByText('This conversation was closed. Write to start a new one.')).toBeVisible();
  await agent.getByRole('button', { name: 'Closed', exact: true }).click();
  await expect(item).toContainText('closed');
});
