import { expect, test, type Page } from './support/test';
import { continueToProvider, expectAccessible, guestToCheckout, newGuest, returnedOrderId } from './support/checkout';
import { addFromProductPage } from './support/shop';

/**
 * A first-time visitor buys without an account: cart → checkout (contact details, card) → the
 * provider's page, two screens after the cart; approved there, back on the order page, paid.
 */
async function buyByCard(page: Page, slug: string): Promise<void> {
  const guest = newGuest('cardguest');
  await addFromProductPage(page, slug);
  await guestToCheckout(page, guest);
  // A guest is offered the card (the default) and pickup, never the balance.
  await expect(page.getByRole('radio', { name: /^By card, now/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^From my balance/ })).toHaveCount(0);
  await expect(page.getByLabel('Phone')).toHaveAttribute('autocomplete', 'tel');
  await expectAccessible(page, "a guest's checkout");
  await continueToProvider(page);
  await page.getByRole('button', { name: 'Approve' }).click();

  const orderId = await returnedOrderId(page);
  // The guest's key to the order was kept in this browser before going to the provider.
  expect(await page.evaluate((id) => localStorage.getItem(`order-key:${id}`), orderId)).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  await expect(page.getByRole('heading', { level: 1, name: /^Order \d{6}-\d{5}$/ })).toBeVisible();
  await expect(page.getByText(/^Paid by card: €\d+\.\d{2}\.$/)).toBeVisible();
  await expect(page.getByRole('main').getByText('Paid', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Status history' }).getByRole('listitem')).toHaveText([/^Placed/, /^Paid/]);
  await expectAccessible(page, "a guest's paid order");
  // The order the guest just bought is what the cart held; the cart is empty now.
  await expect(page.getByRole('link', { name: 'Cart, 0 items' })).toBeVisible();
}

test('a guest buys with a card through the provider and sees the order paid', async ({ page }) => {
  await buyByCard(page, 'a-map-of-small-rivers');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('a guest buys with a card from a phone, two screens after the cart', async ({ page }) => {
    await buyByCard(page, 'the-clockmaker-of-prague');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
});
