import type { QueryClient } from '@tanstack/react-query';
import { lazy, type ComponentType } from 'react';
import { categoriesQueryOptions } from '@/features/catalog/api/get-categories';
import { productQueryOptions } from '@/features/catalog/api/get-product';
import { productsQueryOptions } from '@/features/catalog/api/get-products';
import { parseCatalogParams, toProductQuery } from '@/features/catalog/catalog-params';
import { infoQueryOptions } from '@/features/info/api/get-info';
import { BrowserRouter, Route, Routes } from 'react-router';
import { loadTexts, type TextPart } from '@/lib/i18n';
import { Layout } from './layout/layout';
import { HOME_PRODUCTS } from './routes/home-products';

// Each page is its own chunk, loaded when first visited (with the texts it needs, if not yet
// there); the layout (header, footer) is in the entry.
function lazyPage(load: () => Promise<{ Component: ComponentType }>, ...texts: TextPart[]) {
  return lazy(async () => {
    const [module] = await Promise.all([load(), texts.length ? loadTexts(...texts) : undefined]);
    return { default: module.Component };
  });
}

const loadHome = () => import('./routes/home');
const loadCatalog = () => import('./routes/catalog');
const loadProduct = () => import('./routes/product');
const loadStores = () => import('./routes/stores');
const loadStore = () => import('./routes/store');

/**
 * Starts the first page's chunk and its data with the entry, instead of after the first render
 * (a round trip or two less before the page shows); the page then finds both already there.
 */
export function preloadFirstPage({ pathname, search }: { pathname: string; search: string }, queryClient: QueryClient): void {
  const [, first = '', second] = pathname.split('/');
  const loader = { '': loadHome, catalog: loadCatalog, products: loadProduct, stores: second ? loadStore : loadStores }[first];
  void loader?.().catch(() => undefined);
  void queryClient.prefetchQuery(infoQueryOptions());
  void queryClient.prefetchQuery(categoriesQueryOptions());
  if (first === '') void queryClient.prefetchQuery(productsQueryOptions(HOME_PRODUCTS));
  if (first === 'catalog' && !second) {
    void queryClient.prefetchQuery(productsQueryOptions(toProductQuery(parseCatalogParams(new URLSearchParams(search)))));
  }
  if (first === 'products' && second) void queryClient.prefetchQuery(productQueryOptions(decodeURIComponent(second)));
}

const Home = lazyPage(loadHome);
const Catalog = lazyPage(loadCatalog);
const Product = lazyPage(loadProduct, 'options');
const Stores = lazyPage(loadStores);
const Store = lazyPage(loadStore);
const About = lazyPage(() => import('./routes/about'));
const Login = lazyPage(() => import('./routes/auth/login'), 'auth');
const Register = lazyPage(() => import('./routes/auth/register'), 'auth');
const CheckEmail = lazyPage(() => import('./routes/auth/check-email'), 'auth');
const VerifyEmail = lazyPage(() => import('./routes/auth/verify-email'), 'auth');
const ForgotPassword = lazyPage(() => import('./routes/auth/forgot-password'), 'auth');
const ResetPassword = lazyPage(() => import('./routes/auth/reset-password'), 'auth');
const Account = lazyPage(() => import('./routes/account/money'), 'auth', 'shop');
const AccountProfile = lazyPage(() => import('./routes/account/profile'), 'auth', 'shop');
const AccountSecurity = lazyPage(() => import('./routes/account/security'), 'auth', 'shop');
const TopUp = lazyPage(() => import('./routes/account/top-up'), 'auth', 'shop');
const Cart = lazyPage(() => import('./routes/cart'), 'shop', 'options');
const Checkout = lazyPage(() => import('./routes/checkout'), 'shop', 'auth');
const Orders = lazyPage(() => import('./routes/orders/orders'), 'shop');
const Order = lazyPage(() => import('./routes/orders/order'), 'shop');
const OrderPlaced = lazyPage(() => import('./routes/orders/order-placed'), 'shop');
const StaffConsole = lazyPage(() => import('./routes/staff/console'), 'shop', 'live');
const StaffOrders = lazyPage(() => import('./routes/staff/orders'), 'shop', 'live');
const NotFound = lazyPage(() => import('./routes/not-found'));

export function AppRouter() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Home />} />
          <Route path="catalog" element={<Catalog />} />
          <Route path="catalog/:categorySlug" element={<Catalog />} />
          <Route path="products/:slug" element={<Product />} />
          <Route path="stores" element={<Stores />} />
          <Route path="stores/:storeId" element={<Store />} />
          <Route path="about" element={<About />} />
          <Route path="login" element={<Login />} />
          <Route path="register" element={<Register />} />
          <Route path="check-email" element={<CheckEmail />} />
          <Route path="verify-email" element={<VerifyEmail />} />
          <Route path="forgot-password" element={<ForgotPassword />} />
          <Route path="reset-password" element={<ResetPassword />} />
          <Route path="account" element={<Account />} />
          <Route path="account/profile" element={<AccountProfile />} />
          <Route path="account/security" element={<AccountSecurity />} />
          <Route path="account/top-ups/:topUpId" element={<TopUp />} />
          <Route path="cart" element={<Cart />} />
          <Route path="checkout" element={<Checkout />} />
          <Route path="orders" element={<Orders />} />
          <Route path="orders/:orderId" element={<Order />} />
          <Route path="orders/:orderId/placed" element={<OrderPlaced />} />
          <Route path="staff" element={<StaffConsole />} />
          <Route path="staff/orders" element={<StaffOrders />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
