import { randomUUID } from 'node:crypto';
import { expect, test } from './support/test';
import { continueToProvider, expectAccessible, guestToCheckout, newGuest, returnedOrderId } from './support/checkout';
import { addFromProductPage, apiSignIn } from './support/shop';

/** The demo admin of `make run`: refunds are the admins' (the permission table), not support's. */
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };

test("staff refund one line of a card-paid order and the customer's order page shows it at once", async ({ page, request }) => {
  await addFromProductPage(page, 'flat-white', 2);
  await addFromProductPage(page, 'cappuccino');
  await guestToCheckout(page, newGuest('oatmilk'));
  await continueToProvider(page);
  await page.getByRole('button', { name: 'Approve' }).click();
  const orderId = await returnedOrderId(page);
  await expect(page.getByText(/^Paid by card: €\d+\.\d{2}\.$/)).toBeVisible();

  // The counter runs out of oat milk: an admin refunds one of the two flat whites.
  const auth = await apiSignIn(request, ADMIN);
  const order = (await (await request.get(`/api/v1/orders/${orderId}`, { headers: auth })).json()) as {
    items: { id: number; product_name: string; unit_price: string }[];
  };
  const flatWhite = order.items.find((line) => line.product_name === 'Flat White')!;
  const refund = { item_id: flatWhite.id, quantity: 1, reason: 'out of oat milk' };
  const key = randomUUID();
  const refunded = await request.post(`/api/v1/orders/${orderId}/refunds`, { headers: { ...auth, 'Idempotency-Key': key }, data: refund });
  expect(refunded.status(), await refunded.text()).toBe(201);

  // Without a reload: the order event reaches the guest's page.
  const amount = `€${Number(flatWhite.unit_price).toFixed(2)}`;
  const refunds = page.getByRole('region', { name: 'Refunds' });
  await expect(refunds.getByText(`1 × Flat White refunded, ${amount} — out of oat milk`)).toBeVisible();
  await expect(refunds.getByText('Back to your card')).toBeVisible();
  await expect(page.getByTestId('refunded-total')).toHaveText(amount);
  await expect(page.getByRole('region', { name: 'What you ordered' }).getByText('1 refunded')).toBeVisible();
  await expectAccessible(page, 'an order with a refund');

  // The same request again changes nothing.
  const again = await request.post(`/api/v1/orders/${orderId}/refunds`, { headers: { ...auth, 'Idempotency-Key': key }, data: refund });
  expect(again.status()).toBe(201);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Refunds' }).getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('refunded-total')).toHaveText(amount);
});
