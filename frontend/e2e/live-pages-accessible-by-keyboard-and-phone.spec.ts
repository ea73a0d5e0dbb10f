import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from './support/test';
import { verifiedCustomer } from './support/customer';
import { apiSignIn, productId, signIn } from './support/shop';
import { staffPage } from './support/staff';

async function severeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function fitsAPhone(page: Page, what: Locator): Promise<void> {
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(what).toBeVisible();
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(width.scroll, 'horizontal scroll at 360 px').toBeLessThanOrEqual(width.client);
  const box = (await what.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Tabs (forwards or back) until `target` has focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 60): Promise<void> {
  for (let i = 0; i < max && !(await target.evaluate((el) => el === document.activeElement)); i += 1) await page.keyboard.press(key);
  await expect(target).toBeFocused();
}

test('the chat panel passes axe, fits a phone and works with the keyboard alone', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'keyboardchat');
  const page = await (await browser.newContext()).newPage();
  await signIn(page, customer);
  await page.goto('/stores');
  await page.getByRole('heading', { level: 1 }).waitFor();

  // From the top of the page, backwards: the chat button is the last thing on it.
  await page.locator('body').focus();
  const launcher = page.getByRole('button', { name: 'Chat with us' });
  await tabTo(page, launcher, 'Shift+Tab', 5);
  await page.keyboard.press('Enter');
  const panel = page.getByRole('region', { name: 'Chat with the shop' });
  const box = panel.getByRole('textbox', { name: 'Your message' });
  await expect(box).toBeFocused();
  await page.keyboard.type('Typed with the keyboard');
  await page.keyboard.press('Enter');
  await expect(panel.getByText('Typed with the keyboard', { exact: true })).toBeVisible();
  await expect(panel.getByText('Sending…')).toHaveCount(0);
  await page.keyboard.press('Shift+Enter');
  await expect(box).toHaveValue('\n');
  await page.keyboard.press('Escape');
  await expect(launcher).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(box).toBeFocused();

  expect(await severeViolations(page)).toEqual([]);
  await fitsAPhone(page, panel);
});

test('the support console and the order board pass axe, fit a phone and work with the keyboard alone', async ({ browser, request }) => {
  const customer = await verifiedCustomer(request, 'keyboardboard');
  const auth = await apiSignIn(request, customer);
  // An order to pay at pickup, and a question about it (through the customer's own panel).
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `kb-${customer.username}` },
    data: { store_id: 1, items: [{ product_id: await productId(request, 'berlin-zehn-strassen'), quantity: 2 }] },
  });
  const order = (await placed.json()) as { id: number; number: string };
  const shopper = await (await browser.newContext()).newPage();
  await signIn(shopper, customer);
  await shopper.goto(`/orders/${order.id}`);
  await shopper.getByRole('button', { name: 'Ask about this order' }).click();
  const panel = shopper.getByRole('region', { name: 'Chat with the shop' });
  await expect(panel.getByText(`About order ${order.number}`)).toBeVisible();
  await panel.getByRole('textbox', { name: 'Your message' }).fill('Can I pick it up tomorrow?');
  await panel.getByRole('textbox', { name: 'Your message' }).press('Enter');
  await expect(panel.getByText('Sending…')).toHaveCount(0);

  const agent = await staffPage(browser);
  await agent.goto('/staff');
  await agent.getByRole('heading', { level: 1, name: 'Support console' }).waitFor();
  await tabTo(agent, agent.getByRole('searchbox', { name: 'Search customers' }));
  await agent.keyboard.type(customer.username);
  const item = agent.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(`@${customer.username}`) });
  await expect(item).toBeVisible();
  await tabTo(agent, item);
  await agent.keyboard.press('Enter');
  const pane = agent.getByRole('region', { name: `Conversation with ${customer.fullName}` });
  await expect(pane.getByText('Can I pick it up tomorrow?')).toBeVisible();
  // The order the question is about, beside it.
  await expect(pane.getByRole('link', { name: `Order ${order.number}` })).toBeVisible();
  await expect(pane.getByRole('rowheader', { name: 'Berlin: Zehn Straßen, zehn Jahrhunderte' })).toBeVisible();
  const answer = pane.getByRole('textbox', { name: `Answer ${customer.fullName}` });
  await tabTo(agent, answer);
  await agent.keyboard.type('Yes, until 6 pm.');
  await agent.keyboard.press('Enter');
  await expect(panel.getByText('Yes, until 6 pm.', { exact: true })).toBeVisible();
  expect(await severeViolations(agent)).toEqual([]);
  await fitsAPhone(agent, pane);

  await agent.goto('/staff/orders');
  const store = agent.getByRole('combobox', { name: 'Store' });
  await tabTo(agent, store);
  await agent.keyboard.press('ArrowDown'); // the first store
  await expect(store).toHaveValue('3');
  await agent.goto('/staff/orders?store=1');
  const card = agent.getByRole('listitem', { name: `Order ${order.number}` });
  await expect(card).toBeVisible();
  await expect(card).toContainText('to pay at pickup');
  const paid = card.getByRole('button', { name: `Paid at the counter: order ${order.number}` });
  await tabTo(agent, paid, 'Tab', 200);
  await agent.keyboard.press('Enter');
  await expect(card.getByRole('button', { name: `Start preparing: order ${order.number}` })).toBeVisible();
  await expect(shopper.getByRole('main').getByText('Paid', { exact: true }).first()).toBeVisible();
  expect(await severeViolations(agent)).toEqual([]);
  await fitsAPhone(agent, card);
});
