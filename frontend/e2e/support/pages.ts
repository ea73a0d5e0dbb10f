/** Every page of the storefront so far, for the checks that go over all of them. */
export const PAGES = [
  { name: 'home', path: '/' },
  { name: 'catalog', path: '/catalog' },
  { name: 'category', path: '/catalog/books?max=20&sort=-price' },
  { name: 'search', path: '/catalog?q=coffee' },
  { name: 'product', path: '/products/the-lighthouse-keepers-daughter' },
  { name: 'stores', path: '/stores' },
  { name: 'store', path: '/stores/1' },
  { name: 'about', path: '/about' },
  { name: 'cart (empty)', path: '/cart' },
  { name: 'sign in', path: '/login' },
  { name: 'register', path: '/register' },
  { name: 'check your mail', path: '/check-email?email=someone%40example.com' },
  { name: 'verify e-mail (used link)', path: '/verify-email?token=used-or-expired' },
  { name: 'forgot password', path: '/forgot-password' },
  { name: 'reset password (bad link)', path: '/reset-password?token=used-or-expired' },
  { name: 'not found', path: '/no-such-page' },
] as const;

/** The heading every page above shows once loaded (by path), to know the page is ready. */
export async function pageReady(page: import('@playwright/test').Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
}
