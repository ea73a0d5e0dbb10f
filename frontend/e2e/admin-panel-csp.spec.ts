import { expect, test, type APIRequestContext, type Page, type Response } from '@playwright/test';
import { verifiedCustomer } from './support/customer';
import { KREUZBERG, accountOf, addFunds, apiSignIn, productId } from './support/shop';

// The panel's Content-Security-Policy runs our own script files and the inline scripts that carry
// the response's nonce, nothing else: every page loads without a single violation, its scripts
// still work (menus, row actions, toasts, confirmations), and a script that gets into a page does
// not run.
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };
const BOOK = 'die-stille-der-kraniche';
// A product no other scenario looks at (this one adds and deletes an image of it).
const IMAGE_PRODUCT = 'gooseneck-kettle-1l';

declare global {
  interface Window {
    cspViolations: string[];
  }
}

/** Collects what the browser refused (securitypolicyviolation) and what went wrong (console
 *  errors, uncaught exceptions) on every page the tab opens. */
function watch(page: Page): { problems: string[]; collect: () => Promise<void> } {
  const problems: string[] = [];
  void page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push(
        `${event.effectiveDirective} refused ${event.blockedURI || 'an inline script'} on ${location.pathname} line ${event.lineNumber}: ${event.sample}`,
      );
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
  return {
    problems,
    collect: async () => {
      problems.push(...(await page.evaluate(() => window.cspViolations.splice(0))));
    },
  };
}

function scriptPolicy(response: Response | null): string {
  const csp = response?.headers()['content-security-policy'] ?? '';
  return (
    csp
      .split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith('script-src ')) ?? ''
  );
}

async function paidOrderId(request: APIRequestContext): Promise<number> {
  const customer = await verifiedCustomer(request, 'csp');
  const auth = await apiSignIn(request, customer);
  await addFunds(request, auth, '60.00');
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: { id: number; name: string }[] };
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `csp-${customer.username}` },
    data: {
      store_id: stores.items.find((store) => store.name === KREUZBERG)!.id,
      items: [{ product_id: await productId(request, BOOK), quantity: 1 }],
      pay_with_account_id: (await accountOf(request, auth)).id,
    },
  });
  expect(placed.status()).toBe(201);
  return ((await placed.json()) as { id: number }).id;
}

test('every panel page loads under a CSP without unsafe-inline scripts, with no violation, and its scripts work', async ({ page, request }) => {
  test.setTimeout(120_000);
  const orderId = await paidOrderId(request);
  const customer = await verifiedCustomer(request, 'csp-user');
  const users = (await (await request.get(`/api/v1/users?q=${customer.username}`, { headers: await apiSignIn(request, ADMIN) })).json()) as {
    items: { id: number }[];
  };
  const userId = users.items[0]!.id;
  const imageProduct = await productId(request, IMAGE_PRODUCT);
  await page.setViewportSize({ width: 320, height: 240 });
  await page.setContent('<body style="margin:0;background:#1f6f68"></body>');
  const picture = await page.screenshot();
  await page.setViewportSize({ width: 1280, height: 900 });
  const { problems, collect } = watch(page);
  const nonces = new Set<string>();

  async function visit(path: string): Promise<void> {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const scripts = scriptPolicy(response);
    expect(scripts, path).not.toContain("'unsafe-inline'");
    const nonce = /'nonce-([^']+)'/.exec(scripts)?.[1];
    expect(nonce, `${path}: ${scripts}`).toBeTruthy();
    expect(nonces.has(nonce!), `${path} reuses a nonce`).toBe(false);
    nonces.add(nonce!);
    await collect();
  }

  await visit('/admin/login');
  await page.getByLabel('E-mail or username').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await expect(page.getByRole('heading', { name: 'Today' })).toBeVisible();
  await visit('/admin/');

  // A menu heading opens its dropdown (Tabler's Bootstrap, from a script file).
  const catalog = page.locator('[data-sqladmin-menu-category="Catalog"] > a.dropdown-toggle');
  await catalog.click();
  await expect(page.locator('[data-sqladmin-menu-category="Catalog"] .dropdown-menu')).toBeVisible();

  // Every list in the menu, and the first row's page of each.
  const lists = [
    ...new Set(
      await page.locator('.navbar a[href$="/list"]').evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname)),
    ),
  ];
  expect(lists.length, lists.join(' ')).toBeGreaterThanOrEqual(10);
  for (const list of lists) {
    await visit(list);
    const details = page.locator('table a[href*="/details/"]').first();
    if ((await details.count()) > 0) await visit(new URL((await details.getAttribute('href'))!, page.url()).pathname);
  }

  // Forms and the shop's own pages.
  for (const path of [
    '/admin/category/create',
    '/admin/store/create',
    '/admin/stock/create',
    `/admin/product/edit/${imageProduct}`,
    `/admin/user/edit/${userId}`,
    `/admin/order/details/${orderId}`,
    `/admin/order/action/refund?pks=${orderId}`,
    `/admin/user/action/anonymise?pks=${userId}`,
    `/admin/user/action/send-password-reset?pks=${userId}`,
    '/admin/audit-entry/list?entity=order',
  ]) {
    await visit(path);
  }

  // Row actions: a row chosen, the Actions menu opens, and SQLAdmin's script fills the delete dialog.
  await visit('/admin/category/list');
  await page.locator('input.select-box').first().check();
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('link', { name: 'Delete selected items' }).click();
  await expect(page.locator('#modal-delete-text')).toContainText('This will permanently delete Category');
  await page.locator('#modal-delete').getByRole('button', { name: 'Close' }).click();

  // SQLAdmin's toast, opened by its inline script (it carries the nonce).
  await visit(`/admin/user/action/send-password-reset?pks=${userId}`);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.locator('.toast').filter({ hasText: `A reset link was sent to ${customer.email}.` })).toBeVisible();
  await collect();

  // The image delete asks first (a script file now, not an onsubmit attribute).
  await visit(`/admin/product/edit/${imageProduct}`);
  await page.getByLabel('New image (JPEG, PNG or WEBP)').setInputFiles({ name: 'kettle.png', mimeType: 'image/png', buffer: picture });
  await page.getByLabel('Alt text', { exact: true }).fill('A kettle for the CSP scenario');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The image was added.' })).toBeVisible();
  await collect();
  const deleteButton = page.locator('li', { has: page.locator('input[value="A kettle for the CSP scenario"]') }).getByRole('button', { name: 'Delete' });
  const questions: string[] = [];
  page.once('dialog', (dialog) => {
    questions.push(dialog.message());
    void dialog.dismiss();
  });
  await deleteButton.click();
  await expect.poll(() => questions).toEqual(['Delete this image?']);
  await expect(page.locator('input[value="A kettle for the CSP scenario"]')).toHaveCount(1);
  page.once('dialog', (dialog) => void dialog.accept());
  await deleteButton.click();
  await expect(page.getByRole('alert').filter({ hasText: 'The image was deleted.' })).toBeVisible();
  await expect(page.locator('input[value="A kettle for the CSP scenario"]')).toHaveCount(0);
  await collect();

  expect(problems).toEqual([]);

  // And a script that got into the page (as stored XSS would) does not run, inline or as a handler.
  await visit('/admin/');
  const ran = await page.evaluate(async () => {
    const flags = window as unknown as Record<string, boolean>;
    const script = document.createElement('script');
    script.textContent = 'window.injectedScriptRan = true';
    document.body.append(script);
    const holder = document.createElement('div');
    holder.innerHTML = '<img src="data:," onerror="window.injectedHandlerRan = true">';
    document.body.append(holder);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { script: Boolean(flags.injectedScriptRan), handler: Boolean(flags.injectedHandlerRan) };
  });
  expect(ran).toEqual({ script: false, handler: false });
  await collect();
  expect(problems.join('\n')).toContain('script-src-elem');
});
