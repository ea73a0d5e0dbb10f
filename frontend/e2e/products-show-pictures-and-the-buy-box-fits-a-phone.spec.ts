import { expect, test } from './support/test';
import { apiSignIn } from './support/shop';

// The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults).
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };

const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
];
// The book with the demo's longest name (three lines on a small phone) and a coffee.
const PRODUCTS = [
  { slug: 'the-restless-earth', picture: 'Cover of The Restless Earth: Volcanoes, Quakes and Plate Tectonics by Dr. Henrik Solberg' },
  { slug: 'ethiopia-yirgacheffe-kochere', picture: /^Bag of Ethiopia Yirgacheffe Kochere/ },
];

for (const phone of PHONES) {
  test(`on a ${phone.width}x${phone.height} phone a book's and a coffee's page show the picture and "Add to cart" on the first screen`, async ({ page }) => {
    await page.setViewportSize(phone);
    for (const product of PRODUCTS) {
      await page.goto(`/products/${product.slug}`);
      const picture = page.getByRole('main').getByRole('img', { name: product.picture });
      await expect(picture).toBeVisible();
      await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      const button = page.getByRole('button', { name: 'Add to cart' });
      await expect(button).toBeVisible();
      const box = (await button.boundingBox())!;
      expect(box.y + box.height, `${product.slug}: the button's bottom edge`).toBeLessThanOrEqual(phone.height);
      // The price and the quantity are there too, above the fold.
      const quantity = (await page.getByLabel('Quantity', { exact: true }).boundingBox())!;
      expect(quantity.y + quantity.height).toBeLessThanOrEqual(phone.height);
    }
  });
}

test('a product card in the catalog shows the product picture with its alt text', async ({ page }) => {
  await page.goto('/catalog?q=salt%20and%20cinder');
  const card = page.getByRole('article').filter({ hasText: 'Salt and Cinder' });
  const picture = card.getByRole('img', { name: 'Cover of Salt and Cinder by Owen Castellane' });
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
});

test("a product without pictures shows its initials on the card, its page and in the cart, never an empty box", async ({ page, request }) => {
  // A new product as an admin adds one, before any picture is uploaded.
  const auth = await apiSignIn(request, ADMIN);
  const categories = (await (await request.get('/api/v1/categories?page_size=100')).json()) as { items: { id: number; slug: string }[] };
  const equipment = categories.items.find((category) => category.slug === 'coffee-equipment')!;
  const slug = `walnut-tamper-${Date.now()}`;
  const created = await request.post('/api/v1/products', {
    headers: auth,
    data: { name: 'Walnut Tamper', slug, price: '29.00', category_id: equipment.id, description: 'A 58 mm tamper with a walnut handle.' },
  });
  expect(created.status()).toBe(201);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/catalog?q=walnut%20tamper');
  const card = page.getByRole('article').filter({ hasText: 'Walnut Tamper' });
  await expect(card.getByRole('img', { name: 'Walnut Tamper', exact: true })).toHaveText('WT');
  // The initials stand in for the picture; the name is said once, under it.
  await expect(card.getByText('Walnut Tamper', { exact: true })).toHaveCount(1);

  await page.goto(`/products/${slug}`);
  const placeholder = page.getByRole('main').getByRole('img', { name: 'Walnut Tamper', exact: true });
  await expect(placeholder).toBeVisible();
  await expect(placeholder).toHaveText('WT');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('button', { name: /Added/ })).toBeVisible();

  await page.goto('/cart');
  const line = page.getByRole('list', { name: 'Products in your cart' }).getByRole('listitem').filter({ hasText: 'Walnut Tamper' });
  const thumbnail = line.getByRole('img', { name: 'Walnut Tamper', exact: true });
  await expect(thumbnail).toBeVisible();
  await expect(thumbnail).toHaveText('WT');
  const size = (await thumbnail.boundingBox())!;
  expect(size.width).toBeGreaterThan(40);
  expect(size.height).toBeGreaterThan(50);
});
