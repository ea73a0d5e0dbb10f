import { expect, test } from './support/test';

// The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults).
const ADMIN = { login: 'admin@example.com', password: 'admin-password-change-me' };

test("a product's images show as a gallery, with alt texts, and nothing shifts while they load", async ({ page, request }) => {
  // Two images the way a shop owner would upload them (PNG bytes drawn by the browser).
  await page.setViewportSize({ width: 400, height: 500 });
  await page.setContent('<body style="margin:0;background:linear-gradient(135deg,#6b3f24,#1f6f68)"></body>');
  const first = await page.screenshot();
  await page.setContent('<body style="margin:0;background:linear-gradient(135deg,#f1e2d3,#a12a22)"></body>');
  const second = await page.screenshot();

  const token = (await (await request.post('/api/v1/auth/login', { data: ADMIN })).json()).access_token as string;
  const product = (await (await request.get('/api/v1/products/espresso-tonic')).json()) as { id: number; images: { id: number }[] };
  // The shop owner replaces the drawn demo picture with photographs.
  for (const demo of product.images) {
    const deleted = await request.delete(`/api/v1/products/${product.id}/images/${demo.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(deleted.status()).toBe(204);
  }
  for (const [index, image] of [first, second].entries()) {
    const uploaded = await request.post(`/api/v1/products/${product.id}/images`, {
      headers: { Authorization: `Bearer ${token}` },
      multipart: {
        file: { name: `tonic-${index}.png`, mimeType: 'image/png', buffer: image },
        alt_text: index === 0 ? 'Espresso tonic in a tall glass' : 'An orange slice on the ice',
        position: String(index),
      },
    });
    expect(uploaded.status()).toBe(201);
  }

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.addInitScript(() => {
    const record = window as unknown as { shifts: string[]; shift: number };
    record.shift = 0;
    record.shifts = [];
    new PerformanceObserver((list) => {
      type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources: { node?: Node }[] };
      for (const entry of list.getEntries() as Shift[]) {
        if (entry.hadRecentInput) continue; // a shift right after a click is the click's answer
        record.shift += entry.value;
        record.shifts.push(`${entry.value.toFixed(3)} ${entry.sources.map((s) => (s.node as Element | undefined)?.outerHTML?.slice(0, 80)).join(' | ')}`);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto('/products/espresso-tonic');
  const main = page.getByRole('img', { name: 'Espresso tonic in a tall glass' });
  await expect(main).toBeVisible();
  await expect(main).toHaveAttribute('width', '400');
  await expect(main).toHaveAttribute('height', '500');
  await expect.poll(() => main.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  const thumbnails = page.getByRole('list', { name: 'Product images' });
  await thumbnails.getByRole('button', { name: 'Show image 2 of 2' }).click();
  await expect(page.getByRole('img', { name: 'An orange slice on the ice' })).toBeVisible();
  await expect(thumbnails.getByRole('button', { name: 'Show image 2 of 2' })).toHaveAttribute('aria-pressed', 'true');
  const layout = await page.evaluate(() => {
    const record = window as unknown as { shifts: string[]; shift: number };
    return { shift: record.shift, shifts: record.shifts };
  });
  expect(layout.shift, layout.shifts.join('\n')).toBeLessThan(0.01);

  // In the catalog the card shows the first image, loaded lazily, in the same fixed frame.
  await page.goto('/catalog?q=espresso%20tonic');
  const card = page.getByRole('article').filter({ hasText: 'Espresso Tonic' });
  await expect(card.getByRole('img', { name: 'Espresso tonic in a tall glass' })).toHaveAttribute('loading', /lazy|eager/);
});
