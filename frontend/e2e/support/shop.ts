import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { Customer } from './customer';

/** Signs in through the API (for setting up a scenario) and answers the bearer header. */
export async function apiSignIn(request: APIRequestContext, customer: Pick<Customer, 'email' | 'password'>): Promise<Record<string, string>> {
  const response = await request.post('/api/v1/auth/login', { data: { login: customer.email, password: customer.password } });
  if (!response.ok()) throw new Error(`login: ${response.status()} ${await response.text()}`);
  const { access_token: token } = (await response.json()) as { access_token: string };
  return { Authorization: `Bearer ${token}` };
}

export async function accountOf(request: APIRequestContext, auth: Record<string, string>): Promise<{ id: number; balance: string }> {
  const accounts = (await (await request.get('/api/v1/accounts', { headers: auth })).json()) as { id: number; balance: string }[];
  return accounts[0]!;
}

/**
 * Adds funds the way a customer does, through the test provider: a top-up, its approve button
 * (a form post to the provider's page), then the signed webhook, which credits a moment later.
 */
export async function addFunds(request: APIRequestContext, auth: Record<string, string>, amount: string): Promise<void> {
  const account = await accountOf(request, auth);
  const created = await request.post(`/api/v1/accounts/${account.id}/top-ups`, { headers: auth, data: { amount } });
  if (created.status() !== 201) throw new Error(`top-up: ${created.status()} ${await created.text()}`);
  const topUp = (await created.json()) as { id: number; redirect_url: string };
  const approved = await request.post(topUp.redirect_url, { form: { decision: 'approve' }, maxRedirects: 0 });
  expect(approved.status()).toBe(303);
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/accounts/${account.id}/top-ups/${topUp.id}`, { headers: auth })).json()) as { status: string }).status, {
      message: 'the top-up is credited',
    })
    .toBe('succeeded');
}

/** The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults). */
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };

/** Sets a store's stock of a product, as the shop's staff would (admin API). */
export async function setStock(request: APIRequestContext, slug: string, storeName: string, quantity: number): Promise<void> {
  const auth = await apiSignIn(request, ADMIN);
  const stores = (await (await request.get('/api/v1/stores')).json()) as { items: { id: number; name: string }[] };
  const store = stores.items.find((candidate) => candidate.name === storeName)!;
  const response = await request.put(`/api/v1/stores/${store.id}/stock/${await productId(request, slug)}`, { headers: auth, data: { quantity } });
  if (!response.ok()) throw new Error(`stock: ${response.status()} ${await response.text()}`);
}

export async function productId(request: APIRequestContext, slug: string): Promise<number> {
  return ((await (await request.get(`/api/v1/products/${slug}`)).json()) as { id: number }).id;
}

/** Units of a product a store has now. */
export async function stockAt(request: APIRequestContext, slug: string, storeName: string): Promise<number> {
  const rows = (await (await request.get(`/api/v1/products/${await productId(request, slug)}/availability`)).json()) as { store_name: string; quantity: number }[];
  return rows.find((row) => row.store_name === storeName)?.quantity ?? 0;
}

export async function signIn(page: Page, customer: Pick<Customer, 'email' | 'password' | 'fullName'>, path = '/login'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('E-mail or username').fill(customer.email);
  await page.getByLabel('Password').fill(customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: customer.fullName })).toBeVisible();
}

/** Adds a product from its page, with a quantity, and waits for the word that it is in the cart. */
export async function addFromProductPage(page: Page, slug: string, quantity = 1): Promise<void> {
  await page.goto(`/products/${slug}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  for (let i = 1; i < quantity; i += 1) await page.getByRole('button', { name: 'One more: Quantity' }).click();
  await page.getByRole('main').getByRole('button', { name: 'Add to cart', exact: true }).click();
  await expect(page.getByRole('status').getByText(/in your cart\.$/)).toBeVisible();
}

export const KREUZBERG = 'Kreuzberg Bookshop';
export const BROOKLYN = 'Brooklyn Books & Coffee';
export const CLERKENWELL = 'Clerkenwell Coffee Bar';
