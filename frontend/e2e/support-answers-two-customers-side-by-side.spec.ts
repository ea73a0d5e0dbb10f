import { expect, test, type Page } from './support/test';
import { verifiedCustomer, type Customer } from './support/customer';
import { signIn } from './support/shop';
import { staffPage } from './support/staff';

async function customerWrites(page: Page, customer: Customer, text: string) {
  await signIn(page, customer);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  const panel = page.getByRole('region', { name: 'Chat with the shop' });
  await panel.getByRole('textbox', { name: 'Your message' }).fill(text);
  await panel.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(panel.getByText('Sending…')).toHaveCount(0);
  return panel;
}

test('support keeps two conversations open side by side and answers each customer in their own', async ({ browser, request }) => {
  const [first, second] = [await verifiedCustomer(request, 'sidea'), await verifiedCustomer(request, 'sideb')];
  const firstPanel = await customerWrites(await (await browser.newContext()).newPage(), first, 'Do you gift-wrap?');
  const secondPanel = await customerWrites(await (await browser.newContext()).newPage(), second, 'Is the café open on Sunday?');

  const agent = await staffPage(browser);
  await agent.setViewportSize({ width: 1440, height: 900 });
  await agent.goto('/staff?show=unassigned');
  const list = agent.getByRole('list', { name: 'Conversations' });
  const panes = agent.getByRole('region', { name: /^Conversation with/ });
  for (const customer of [first, second]) {
    await agent.getByLabel('Search customers').fill(customer.username);
    await list.getByRole('button', { name: new RegExp(`@${customer.username}`) }).click();
  }
  await expect(panes).toHaveCount(2);
  const [left, right] = [panes.filter({ hasText: `@${first.username}` }), panes.filter({ hasText: `@${second.username}` })];
  await expect(left.getByText('Do you gift-wrap?')).toBeVisible();
  await expect(right.getByText('Is the café open on Sunday?')).toBeVisible();
  const [a, b] = [(await left.boundingBox())!, (await right.boundingBox())!];
  expect(Math.abs(a.y - b.y)).toBeLessThan(2);
  expect(a.x + a.width).toBeLessThanOrEqual(b.x);

  await left.getByRole('textbox', { name: /^Answer/ }).fill('Yes, for free.');
  await left.getByRole('textbox', { name: /^Answer/ }).press('Enter');
  await right.getByRole('textbox', { name: /^Answer/ }).fill('From 10 to 4.');
  await right.getByRole('textbox', { name: /^Answer/ }).press('Enter');
  await expect(firstPanel.getByText('Yes, for free.', { exact: true })).toBeVisible();
  await expect(secondPanel.getByText('From 10 to 4.', { exact: true })).toBeVisible();
  await expect(firstPanel.getByText('From 10 to 4.')).toHaveCount(0);
  await expect(secondPanel.getByText('Yes, for free.')).toHaveCount(0);

  // Answered, both leave "unassigned" (live), and each pane closes on its own.
  await agent.getByLabel('Search customers').fill('');
  await expect(list.getByRole('button', { name: new RegExp(`@${first.username}|@${second.username}`) })).toHaveCount(0);
  await left.getByRole('button', { name: /^Close the panel of/ }).click();
  await expect(panes).toHaveCount(1);
  await expect(right.getByText('From 10 to 4.', { exact: true })).toBeVisible();
});
