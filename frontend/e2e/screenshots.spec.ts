import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from './support/test';
import { pageReady } from './support/pages';

// The README shows these; every e2e run takes them again, so they stay current.
const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
const SHOTS = [
  { name: 'home', path: '/' },
  { name: 'catalog', path: '/catalog/books' },
  { name: 'product', path: '/products/the-lighthouse-keepers-daughter' },
];
const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 860 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
];

for (const size of SIZES) {
  test.describe(`${size.name} screenshots`, () => {
    test.use({ viewport: size.viewport, isMobile: size.isMobile, deviceScaleFactor: 1 });
    for (const shot of SHOTS) {
      test(`${shot.name} at ${size.name} width`, async ({ page }) => {
        mkdirSync(folder, { recursive: true });
        await page.goto(shot.path);
        await pageReady(page);
        await page.screenshot({ path: join(folder, `${shot.name}-${size.name}.png`), fullPage: false, animations: 'disabled' });
      });
    }
  });
}
