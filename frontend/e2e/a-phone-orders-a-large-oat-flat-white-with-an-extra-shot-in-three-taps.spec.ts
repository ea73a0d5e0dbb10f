import type { Locator } from '@playwright/test';
import { expect, test } from './support/test';
import { expectAccessible, guestToCheckout, newGuest } from './support/checkout';
import { createFlatWhite } from './support/options';
import { BROOKLYN, KREUZBERG } from './support/shop';

test('on a 360 px phone a guest configures a large oat flat white with an extra shot in three taps and buys it', async ({ page, request }) => {
  const slug = await createFlatWhite(request);

  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`/products/${slug}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Flat white' })).toBeVisible();
  // The page opens on the first size with dairy milk, at its price; the choices are labelled groups.
  const main = page.getByRole('main');
  await expect(main.getByRole('group', { name: 'Size' }).getByRole('radio', { name: /Small/ })).toBeChecked();
  await expect(main.getByRole('group', { name: /^Milk/ }).getByRole('radio', { name: /Dairy/ })).toBeChecked();
  await expect(main.getByText('€3.20', { exact: true }).first()).toBeVisible();
  // Oat is out at one store: it says so rather than vanishing.
  await expect(main.getByRole('radio', { name: /Oat/ })).toHaveAccessibleName(new RegExp(`Out at ${BROOKLYN}`));
  await expectAccessible(page, 'the product page with its choices');

  let taps = 0;
  const tap = async (target: Locator) => {
    taps += 1;
    await target.click();
  };
  await tap(main.getByRole('radio', { name: /Oat/ }));
  await tap(main.getByRole('checkbox', { name: /Extra shot/ }));
  await tap(main.getByRole('button', { name: 'Add Large to cart, €5.40' }));
  await expect(page.getByRole('status').getByText(/in your cart\.$/)).toBeVisible();
  expect(taps).toBeLessThanOrEqual(3);
  // The page's price follows the choice (the size shown is still the one chosen in the group),
  // and the store out of oat says so in the availability.
  await expect(main.getByText('€4.20', { exact: true }).first()).toBeVisible();
  await expect(main.getByRole('list', { name: 'Availability in our stores' }).getByRole('listitem').filter({ hasText: BROOKLYN })).toContainText('Oat is out here');

  await page.goto('/cart');
  const line = page.getByRole('list', { name: 'Products in your cart' }).getByRole('listitem').filter({ hasText: 'Flat white' });
  await expect(line).toContainText('Large · Oat, Extra shot');
  await expect(line).toContainText('€5.40 each');

  const guest = newGuest('barista');
  await guestToCheckout(page, guest);
  await expect(page.getByRole('region', { name: 'Your order' })).toContainText('Large · Oat, Extra shot');
  // The store out of oat cannot be chosen and says why (the line is asked about as configured);
  // another store takes it.
  const where = page.getByRole('group', { name: 'Where do you pick it up?' });
  await expect(where.getByRole('radio', { name: BROOKLYN })).toBeDisabled();
  await expect(where).toContainText(`Flat white — Large: Oat is out at ${BROOKLYN}`);
  await where.getByRole('radio', { name: KREUZBERG }).check();
  await page.getByRole('radio', { name: /^At pickup/ }).check();
  await page.getByRole('button', { name: /^Place order · €5\.40/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  await page.getByRole('link', { name: 'See the order' }).click();
  const row = page.getByRole('main').getByRole('table').getByRole('row').filter({ hasText: 'Flat white' });
  // As bought: the size with the name, each modifier with what it added (the counter's order lines).
  await expect(row).toContainText('Flat white — Large');
  await expect(row).toContainText('Oat +€0.40 · Extra shot +€0.60');
  await expect(row).toContainText('€5.40');
});
