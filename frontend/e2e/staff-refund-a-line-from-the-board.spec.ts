import { expect, test } from './support/test';
import { continueToProvider, expectAccessible, guestToCheckout, newGuest, returnedOrderId } from './support/checkout';
import { addFromProductPage, apiSignIn } from './support/shop';
import { staffPage } from './support/staff';

/** The demo admin of `make run`: refunds are the admins' (the permission table), not support's. */
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };

test("an admin refunds one line from the order board and the guest's open order page shows it at once; support sees no refund control", async ({ browser, page, request }) => {
  // A guest pays two flat whites and a cappuccino by card and keeps the order page open.
  await addFromProductPage(page, 'flat-white', 2);
  await addFromProductPage(page, 'cappuccino');
  await guestToCheckout(page, newGuest('board-refund'));
  await continueToProvider(page);
  await page.getByRole('button', { name: 'Approve' }).click();
  const orderId = await returnedOrderId(page);
  await expect(page.getByText(/^Paid by card: €\d+\.\d{2}\.$/)).toBeVisible();
  const order = (await (await request.get(`/api/v1/orders/${orderId}`, { headers: await apiSignIn(request, ADMIN) })).json()) as {
    number: string;
    store: { id: number };
    items: { id: number; product_name: string; variant_name: string; modifiers: { name: string }[]; unit_price: string }[];
  };
  const flatWhite = order.items.find((line) => line.product_name === 'Flat White')!;
  const amount = `€${Number(flatWhite.unit_price).toFixed(2)}`;
  // The line as the board names it: its size and milk (the product page's defaults), if any.
  const title = flatWhite.variant_name ? `Flat White — ${flatWhite.variant_name}` : 'Flat White';
  const named = [title, flatWhite.modifiers.map((modifier) => modifier.name).join(' · ')].filter(Boolean).join(', ');

  // The admin at the counter, in another browser, on the store's board.
  const admin = await (await browser.newContext()).newPage();
  await admin.goto('/login');
  await admin.getByLabel('E-mail or username').fill(ADMIN.email);
  await admin.getByLabel('Password').fill(ADMIN.password);
  await admin.getByRole('button', { name: 'Sign in' }).click();
  await expect(admin).not.toHaveURL(/\/login/);
  await admin.goto(`/staff/orders?store=${order.store.id}`);
  const card = admin.getByRole('listitem', { name: `Order ${order.number}` });
  await expect(card).toBeVisible();

  // The oat milk ran out: one of the two flat whites back, with the reason.
  await card.getByRole('button', { name: `Refund a line of order ${order.number}` }).click();
  const dialog = admin.getByRole('dialog', { name: `Refund a line of order ${order.number}` });
  await dialog.getByLabel('Line').selectOption({ label: `2 × ${named} (2 left to refund)` });
  await dialog.getByLabel('Units').fill('1');
  await dialog.getByLabel('Reason').fill('out of oat milk');
  await expect(dialog.getByText(`${amount} goes back to the card that paid.`)).toBeVisible();
  await expectAccessible(admin, 'the refund dialog on the board');
  await dialog.getByRole('button', { name: `Refund ${amount}` }).click();
  await expect(dialog).toBeHidden();
  await expect(admin.getByText(`Refunded 1 × ${named} of order ${order.number}.`)).toBeVisible();
  await expect(card.getByText('1 refunded')).toBeVisible();

  // Without a reload: the guest's page hears of it.
  const refunds = page.getByRole('region', { name: 'Refunds' });
  await expect(refunds.getByText(`1 × Flat White refunded, ${amount} — out of oat milk`)).toBeVisible();
  await expect(refunds.getByText('Back to your card')).toBeVisible();
  await expect(page.getByTestId('refunded-total')).toHaveText(amount);
  await expect(page.getByRole('region', { name: 'What you ordered' }).getByText('1 refunded')).toBeVisible();

  // Support runs the same board but refunds nothing: no refund control on the card.
  const support = await staffPage(browser);
  await support.goto(`/staff/orders?store=${order.store.id}`);
  const seen = support.getByRole('listitem', { name: `Order ${order.number}` });
  await expect(seen).toBeVisible();
  await expect(seen.getByRole('button', { name: /^Start preparing/ })).toBeVisible();
  await expect(support.getByRole('button', { name: /^Refund a line/ })).toHaveCount(0);
});
