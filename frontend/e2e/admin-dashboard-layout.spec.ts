import { expect, test, type Page } from '@playwright/test';
import { verifiedCustomer } from './support/customer';
import { KREUZBERG, apiSignIn, productId } from './support/shop';

// The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults).
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };
// A product no other scenario counts the stock of.
const PRODUCT = 'the-restless-earth';
const SCREENS = [
  { width: 1280, height: 900 },
  { width: 1920, height: 1080 },
];

type Finding = string;

/**
 * What a reader of the page would see as broken: text cut off by its box (a cell, a heading,
 * a card, a table scrolled sideways), a word split over two lines, or (with `stacked`) cards
 * squeezed side by side instead of one under the other.
 */
async function layoutFindings(page: Page, stacked: boolean): Promise<Finding[]> {
  return page.evaluate((stacked) => {
    const found: string[] = [];
    const main = document.querySelector('.page-body') ?? document.body;
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const visible = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const labels = main.querySelectorAll('h1, h2, h3, th, td, dt, dd, .card-title, .badge, .btn, label');
    for (const el of labels) {
      if (!visible(el) || !(el.textContent ?? '').trim()) continue;
      if (el.scrollWidth > el.clientWidth + 1) found.push(`cut off (${el.scrollWidth} > ${el.clientWidth} px): ${describe(el)}`);
      const card = el.closest('.card');
      if (card) {
        const inner = el.getBoundingClientRect();
        const outer = card.getBoundingClientRect();
        if (inner.left < outer.left - 1 || inner.right > outer.right + 1) found.push(`outside its card: ${describe(el)}`);
      }
    }
    for (const scroller of main.querySelectorAll('.table-responsive')) {
      if (visible(scroller) && scroller.scrollWidth > scroller.clientWidth + 1) {
        found.push(`table scrolls sideways (${scroller.scrollWidth} > ${scroller.clientWidth} px): ${describe(scroller.querySelector('thead') ?? scroller)}`);
      }
    }
    // Every word on one line: a word's range has its boxes on a single line.
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      if (!node.parentElement || !visible(node.parentElement)) continue;
      for (const match of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) found.push(`word broken over ${tops.size} lines: "${match[0]}" in ${describe(node.parentElement)}`);
      }
    }
    if (stacked) {
      const cards = [...main.querySelectorAll('.card')].filter((c) => visible(c) && !c.parentElement?.closest('.card'));
      const width = main.querySelector('.container-xl, .container-fluid')?.getBoundingClientRect().width ?? main.getBoundingClientRect().width;
      for (const card of cards) {
        const box = card.getBoundingClientRect();
        if (box.width < width * 0.75) found.push(`card squeezed to ${Math.round(box.width)} of ${Math.round(width)} px: ${describe(card)}`);
      }
      for (const heading of main.querySelectorAll('h1, h2')) {
        if (!visible(heading)) continue;
        const box = heading.getBoundingClientRect();
        if (box.left > main.getBoundingClientRect().left + width * 0.25) found.push(`heading beside another block: ${describe(heading)}`);
      }
    }
    return found;
  }, stacked);
}

test('the panel dashboard, an order, the order list and the audit log fit their boxes at 1280 and 1920 px', async ({ page, request }) => {
  // An order to be paid at pickup: on the board under New, and on the dashboard "to prepare".
  // A second one the admin marks paid at the counter: the audit log gets its before and after.
  const customer = await verifiedCustomer(request, 'layout');
  const auth = await apiSignIn(request, customer);
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: { id: number; name: string }[] };
  const orders: { id: number }[] = [];
  for (const key of ['waiting', 'counter']) {
    const placed = await request.post('/api/v1/orders', {
      headers: { ...auth, 'Idempotency-Key': `layout-${key}-${customer.username}` },
      data: { store_id: stores.items.find((s) => s.name === KREUZBERG)!.id, items: [{ product_id: await productId(request, PRODUCT), quantity: 1 }] },
    });
    expect(placed.status()).toBe(201);
    orders.push((await placed.json()) as { id: number });
  }
  // A guest's order with a long address: the list's customer column must not squeeze the others.
  const guest = await request.post('/api/v1/orders', {
    data: {
      store_id: stores.items.find((s) => s.name === KREUZBERG)!.id,
      items: [{ product_id: await productId(request, PRODUCT), quantity: 1 }],
      guest: { name: 'Gina Guest', email: `gina.guest-with-a-long-address.${customer.username}@example.com`, phone: '+49 30 1234567' },
    },
  });
  expect(guest.status()).toBe(201);

  await page.setViewportSize(SCREENS[0]);
  await page.goto('/admin/login');
  await page.getByLabel('E-mail or username').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page.getByRole('heading', { name: 'Today' })).toBeVisible();
  const [order, counter] = orders;
  await page.goto(`/admin/order/details/${counter.id}`);
  await page.getByRole('button', { name: 'Move to paid' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'now.' })).toBeVisible();

  const pages = [
    { path: '/admin/', heading: 'Today', stacked: true },
    { path: `/admin/order/details/${order.id}`, heading: /^Order /, stacked: true },
    { path: '/admin/order/list', heading: 'Orders', stacked: false },
    { path: '/admin/audit-entry/list', heading: 'Audit log', stacked: false },
  ];
  const findings: string[] = [];
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    for (const { path, heading, stacked } of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
      if (path === '/admin/' && screen.width === 1280 && process.env.DASHBOARD_SHOT) {
        await page.screenshot({ path: process.env.DASHBOARD_SHOT, fullPage: true });
      }
      for (const finding of await layoutFindings(page, stacked)) findings.push(`${screen.width} px ${path}: ${finding}`);
    }
  }
  expect(findings).toEqual([]);

  // The order page speaks the storefront's words, not the status codes.
  await page.goto(`/admin/order/details/${order.id}`);
  await expect(page.getByRole('heading', { name: /Awaiting payment/ })).toBeVisible();
});
