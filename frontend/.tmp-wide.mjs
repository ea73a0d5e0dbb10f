import { chromium } from '@playwright/test';
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
await page.goto(base + '/login');
await page.getByLabel('E-mail or username').fill('customer@example.com');
await page.getByLabel('Password').fill('demo-shopper-2026');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('button', { name: 'Sign out' }).waitFor();
for (const path of ['/account', '/cart']) {
  await page.goto(base + path);
  await page.waitForLoadState('networkidle');
  console.log(path, await page.evaluate(() => [document.documentElement.scrollWidth, ...[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 360.1).slice(0, 8).map((e) => `${e.tagName}.${e.className.toString().slice(0, 80)} ${e.getBoundingClientRect().right}`)]));
}
await page.screenshot({ path: '/tmp/shots/cart-360-signed.png' });
await browser.close();
