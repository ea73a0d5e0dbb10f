/** Every client route in one place, so links and the router agree. */
export const paths = {
  home: '/',
  catalog: (categorySlug?: string) => (categorySlug ? `/catalog/${encodeURIComponent(categorySlug)}` : '/catalog'),
  product: (slug: string) => `/products/${encodeURIComponent(slug)}`,
  stores: '/stores',
  store: (id: number | string) => `/stores/${id}`,
  about: '/about',
  login: '/login',
  register: '/register',
  checkEmail: '/check-email',
  verifyEmail: '/verify-email',
  forgotPassword: '/forgot-password',
  resetPassword: '/reset-password',
  account: '/account',
  accountProfile: '/account/profile',
  accountSecurity: '/account/security',
  topUp: (id: number | string) => `/account/top-ups/${id}`,
  cart: '/cart',
  checkout: '/checkout',
  orders: '/orders',
  order: (id: number | string) => `/orders/${id}`,
  orderPlaced: (id: number | string) => `/orders/${id}/placed`,
  staff: '/staff',
  staffOrders: '/staff/orders',
} as const;

/** A same-site path to return to after signing in; anything else goes home. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return paths.home;
  return next;
}
