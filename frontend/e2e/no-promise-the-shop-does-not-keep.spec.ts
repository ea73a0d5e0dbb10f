import { expect, test } from './support/test';

// Checkout is pickup only: nothing in the shop may promise delivery, and the product page's
// pickup note must fit any product (no "set a copy aside" on a bag of coffee beans).
test('the shop promises pickup, never delivery it does not do, in words that fit each product', async ({ page }) => {
  await page.goto('/about');
  await expect(page.getByRole('heading', { level: 2, name: 'Pickup' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Delivery' })).toHaveCount(0);
  await expect(page.getByRole('main')).not.toContainText('delivered');
  await expect(page.getByRole('contentinfo').getByRole('link', { name: 'Ordering and pickup' })).toBeVisible();

  await page.goto('/products/ethiopia-yirgacheffe-kochere');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText('Order it here and pick it up at the store you choose, or come by during opening hours.')).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('set a copy aside');
});
