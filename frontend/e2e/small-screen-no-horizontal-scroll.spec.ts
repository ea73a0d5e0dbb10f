import { expect, test } from './support/test';
import { PAGES, pageReady } from './support/pages';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

for (const { name, path } of PAGES) {
  test(`${name} fits a 360 px wide phone without horizontal scrolling`, async ({ page }) => {
    await page.goto(path);
    await pageReady(page);
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(width.scroll).toBeLessThanOrEqual(width.client);
  });
}
