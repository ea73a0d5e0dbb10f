import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from './support/test';
import { verifiedCustomer, type Customer } from './support/customer';
import { KREUZBERG, accountOf, addFunds, apiSignIn, productId, signIn } from './support/shop';

// The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults).
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };
const BOOK = 'die-stille-der-kraniche';
// A product no other scenario looks at (the gallery scenario counts espresso-tonic's images;
// the screenshots show the books).
const IMAGE_PRODUCT = 'stovetop-moka-pot-6-cup';

async function panelLogin(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/admin/login');
  await page.getByLabel('E-mail or username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Login' }).click();
}

/** The panel's pages may have minor findings (SQLAdmin's own markup), never a critical one. */
async function expectNoCriticalViolation(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const critical = results.violations
    .filter((violation) => violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(critical, page.url()).toEqual([]);
}

async function storeId(request: APIRequestContext, name: string): Promise<number> {
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: { id: number; name: string }[] };
  return stores.items.find((store) => store.name === name)!.id;
}

/** A customer with a paid order of one book at Kreuzberg: [customer, order id, order number, total]. */
async function paidOrder(request: APIRequestContext, prefix: string): Promise<[Customer, number, string, string]> {
  const customer = await verifiedCustomer(request, prefix);
  const auth = await apiSignIn(request, customer);
  await addFunds(request, auth, '60.00');
  const account = await accountOf(request, auth);
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': `admin-${customer.username}` },
    data: {
      store_id: await storeId(request, KREUZBERG),
      items: [{ product_id: await productId(request, BOOK), quantity: 1 }],
      pay_with_account_id: account.id,
    },
  });
  expect(placed.status()).toBe(201);
  const order = (await placed.json()) as { id: number; number: string; total: string };
  return [customer, order.id, order.number, order.total];
}

test('an admin uploads an image in the product form and the storefront shows it', async ({ page, request }) => {
  await page.setViewportSize({ width: 320, height: 240 });
  await page.setContent('<body style="margin:0;background:linear-gradient(135deg,#1f6f68,#f1e2d3)"></body>');
  const picture = await page.screenshot();
  await page.setViewportSize({ width: 1280, height: 900 });
  const id = await productId(request, IMAGE_PRODUCT);

  await panelLogin(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('heading', { name: 'Today' })).toBeVisible();
  await expectNoCriticalViolation(page);
  await page.goto(`/admin/product/edit/${id}`);
  await expect(page.getByRole('heading', { name: 'Images' })).toBeVisible();
  await expectNoCriticalViolation(page);
  await page.getByLabel('New image (JPEG, PNG or WEBP)').setInputFiles({ name: 'moka.png', mimeType: 'image/png', buffer: picture });
  await page.getByLabel('Alt text', { exact: true }).fill('A moka pot on the stove');
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The image was added.' })).toBeVisible();

  await page.goto('/admin/audit-entry/list?entity=product_image');
  await expect(page.getByRole('table')).toContainText('A moka pot on the stove');

  // It comes after the demo picture: the second in the product's gallery.
  await page.goto(`/products/${IMAGE_PRODUCT}`);
  await page.getByRole('button', { name: 'Show image 2 of 2' }).click();
  await expect(page.getByRole('img', { name: 'A moka pot on the stove' }).first()).toBeVisible();
});

test('an admin refunds a paid order after a confirmation and the customer sees the refund', async ({ page, browser, request }) => {
  const [customer, orderId, number, total] = await paidOrder(request, 'refunded');

  await panelLogin(page, ADMIN.email, ADMIN.password);
  await page.goto(`/admin/order/details/${orderId}`);
  await expect(page.getByRole('heading', { name: new RegExp(`Order ${number}`) })).toBeVisible();
  await expect(page.getByText(customer.email)).toBeVisible();
  await expectNoCriticalViolation(page);
  await page.getByRole('link', { name: 'Refund…' }).click();
  await expect(page.getByRole('heading', { name: `Refund and cancel order ${number}?` })).toBeVisible();
  await expect(page.getByText(`${total} EUR goes back to money account`)).toBeVisible();
  await expect(page.getByText(`Back to the stock of ${KREUZBERG}: 1 x`)).toBeVisible();
  await expectNoCriticalViolation(page);
  await page.getByRole('button', { name: `Refund ${total} EUR` }).click();
  await expect(page.getByRole('alert').filter({ hasText: `Order ${number} is cancelled; ${total} EUR refunded.` })).toBeVisible();
  await page.goto(`/admin/audit-entry/list?entity=order&search=${orderId}`);
  await expect(page.getByRole('row').filter({ hasText: 'status: Paid → Cancelled' })).toHaveCount(1);

  const context = await browser.newContext();
  const customerPage = await context.newPage();
  await signIn(customerPage, customer);
  await customerPage.goto('/account');
  const ledger = customerPage.getByRole('list', { name: 'Transactions' }).getByRole('listitem');
  await expect(ledger.first()).toContainText('Refund');
  await context.close();
});

test('anonymising a customer who holds money is refused with the reason, and there is no delete', async ({ page, request }) => {
  const customer = await verifiedCustomer(request, 'saver');
  await addFunds(request, await apiSignIn(request, customer), '25.00');
  const users = (await (await request.get(`/api/v1/users?q=${customer.username}`, { headers: await apiSignIn(request, ADMIN) })).json()) as {
    items: { id: number }[];
  };
  const userId = users.items[0]!.id;

  await panelLogin(page, ADMIN.email, ADMIN.password);
  await page.goto(`/admin/user/details/${userId}`);
  await expect(page.getByRole('link', { name: 'Delete' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Anonymise…' }).click();
  await expect(page.getByRole('heading', { name: `Anonymise ${customer.username}?` })).toBeVisible();
  await expectNoCriticalViolation(page);
  await page.getByRole('button', { name: 'Anonymise' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The balance is 25.00 EUR' })).toBeVisible();
});

test('support staff see orders and conversations, but no users or products; the audit log shows what was done', async ({ page, request }) => {
  const helper = await verifiedCustomer(request, 'helper');
  const adminAuth = await apiSignIn(request, ADMIN);
  const found = (await (await request.get(`/api/v1/users?q=${helper.username}`, { headers: adminAuth })).json()) as { items: { id: number }[] };
  const promoted = await request.patch(`/api/v1/users/${found.items[0]!.id}`, { headers: adminAuth, data: { role: 'support' } });
  expect(promoted.ok()).toBeTruthy();
  const [, orderId, number] = await paidOrder(request, 'waiting');

  await panelLogin(page, helper.email, helper.password);
  await expect(page.getByRole('heading', { name: 'Today' })).toBeVisible();
  // The Orders heading and its Orders entry.
  await expect(page.locator('.nav-link-title', { hasText: /^Orders$/ })).toHaveCount(2);
  await expect(page.locator('.nav-link-title', { hasText: /^Support conversations$/ })).toHaveCount(1);
  await expect(page.locator('.nav-link-title', { hasText: /^Users$/ })).toHaveCount(0);
  await expect(page.locator('.nav-link-title', { hasText: /^Products$/ })).toHaveCount(0);
  await page.goto('/admin/order/list');
  await expect(page.getByRole('cell', { name: number, exact: true })).toBeVisible();
  await expectNoCriticalViolation(page);
  await page.goto('/admin/support-conversation/list');
  await expect(page.getByRole('heading', { name: 'Support conversations' })).toBeVisible();
  await page.goto(`/admin/order/details/${orderId}`);
  await page.getByRole('button', { name: 'Move to being prepared' }).click();
  await expect(page.getByRole('alert').filter({ hasText: `Order ${number} is being prepared now.` })).toBeVisible();
  for (const path of ['/admin/user/list', '/admin/product/list']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
  }

  await page.goto('/admin/logout');
  await panelLogin(page, ADMIN.email, ADMIN.password);
  await page.goto('/admin/audit-entry/list');
  const log = page.getByRole('table');
  await expect(log.getByRole('row').filter({ hasText: helper.username }).filter({ hasText: 'status: Paid → Being prepared' })).toHaveCount(1);
  await expect(log.getByRole('row').filter({ hasText: 'role: customer → support' })).not.toHaveCount(0);
  await expectNoCriticalViolation(page);
});
