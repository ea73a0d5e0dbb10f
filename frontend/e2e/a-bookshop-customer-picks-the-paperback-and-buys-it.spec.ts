import { expect, test } from './support/test';
import { expectAccessible, guestToCheckout, newGuest } from './support/checkout';
import { createConfiguredProduct } from './support/options';
import { BROOKLYN, CLERKENWELL, KREUZBERG } from './support/shop';

test('a bookshop customer picks the paperback of a title, sees its price, and buys it', async ({ page, request }) => {
  const slug = `the-lantern-keeper-${Date.now()}`;
  await createConfiguredProduct(request, {
    slug,
    name: 'The Lantern Keeper',
    category: 'fiction',
    description: 'A novel of a harbour town.',
    variants: [
      { name: 'Hardcover', price: '34.00', attributes: { format: 'hardcover' }, stock: { [KREUZBERG]: 2, [CLERKENWELL]: 0, [BROOKLYN]: 1 } },
      { name: 'Paperback', price: '22.00', attributes: { format: 'paperback' }, ru: 'Мягкая обложка', stock: { [KREUZBERG]: 7, [CLERKENWELL]: 3, [BROOKLYN]: 0 } },
    ],
    groups: [],
  });

  await page.goto(`/products/${slug}`);
  const main = page.getByRole('main');
  const format = main.getByRole('group', { name: 'Format' });
  await expect(format.getByRole('radio', { name: /Hardcover/ })).toBeChecked();
  await expect(main.getByText('€34.00', { exact: true }).first()).toBeVisible();
  // Each store's stock is the chosen format's.
  const stores = main.getByRole('list', { name: 'Availability in our stores' });
  const at = (store: string) => stores.getByRole('listitem').filter({ hasText: store });
  await expect(at(BROOKLYN)).toContainText('1 in stock');
  await expect(at(CLERKENWELL)).toContainText('Out of stock');
  await format.getByRole('radio', { name: /Paperback/ }).check();
  await expect(main.getByText('€22.00', { exact: true }).first()).toBeVisible();
  await expect(at(KREUZBERG)).toContainText('7 in stock');
  await expect(at(CLERKENWELL)).toContainText('3 in stock');
  await expect(at(BROOKLYN)).toContainText('Out of stock');
  await expectAccessible(page, 'a book in two formats');
  await main.getByRole('button', { name: 'Add to cart', exact: true }).click();
  await expect(page.getByRole('status').getByText(/in your cart\.$/)).toBeVisible();

  await page.goto('/cart');
  const line = page.getByRole('list', { name: 'Products in your cart' }).getByRole('listitem').filter({ hasText: 'The Lantern Keeper' });
  await expect(line).toContainText('Paperback');
  await expect(line).toContainText('€22.00 each');
  // Second thoughts: "Change" opens the formats under the line, "Save" changes it; and back.
  for (const [choice, price] of [['Hardcover', '€34.00'], ['Paperback', '€22.00']] as const) {
    await line.getByRole('button', { name: 'Change the options of The Lantern Keeper' }).click();
    const formats = line.getByRole('group', { name: 'Format' });
    await formats.getByRole('radio', { name: new RegExp(choice) }).check();
    await line.getByRole('button', { name: `Save · ${price}` }).click();
    await expect(line).toContainText(`${price} each`);
    await expect(line.getByText(choice, { exact: true })).toBeVisible();
  }
  await expect(page.getByRole('list', { name: 'Products in your cart' }).getByRole('listitem')).toHaveCount(1);

  await guestToCheckout(page, newGuest('reader'));
  await page.getByRole('group', { name: 'Where do you pick it up?' }).getByRole('radio', { name: KREUZBERG }).check();
  await page.getByRole('radio', { name: /^At pickup/ }).check();
  await page.getByRole('button', { name: /^Place order · €22\.00/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you! Your order is placed' })).toBeVisible();
  await page.getByRole('link', { name: 'See the order' }).click();
  const row = page.getByRole('main').getByRole('table').getByRole('row').filter({ hasText: 'The Lantern Keeper' });
  await expect(row).toContainText('Paperback');
  await expect(row).toContainText('€22.00');
});
