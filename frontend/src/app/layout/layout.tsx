import { Suspense, lazy, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation } from 'react-router';
import { Notices } from '@/components/ui/notices';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ShopNameContext } from '@/components/seo';
import { useUser } from '@/features/auth/api/get-user';
import { CartOwnerContext, type CartOwner } from '@/features/cart/cart-owner';
import { useMergeGuestCart } from '@/features/cart/use-merge-guest-cart';
import { useInfo } from '@/features/info/api/get-info';
import { loadTexts } from '@/lib/i18n';
import { forgetFirstPageMeta } from '@/lib/page-meta';
import { Footer } from './footer';
import { Header } from './header';
import { RouteErrorBoundary } from './route-error';

// The socket, the chat panel and their texts load only once someone is signed in.
const LiveRoot = lazy(async () => {
  const [module] = await Promise.all([import('../live/live-root'), loadTexts('live')]);
  return { default: module.LiveRoot };
});

export function Layout() {
  const { t } = useTranslation();
  const info = useInfo();
  const user = useUser();
  const location = useLocation();
  // A failed session check counts as a guest: what they add is kept here and merged later.
  const cartOwner: CartOwner = user.isPending ? 'unknown' : user.data ? 'customer' : 'guest';
  useMergeGuestCart(cartOwner === 'customer');
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // After client-side navigation, start at the top and move focus to the new page, as a full
  // page load would (a change of the query string only, e.g. a filter, keeps both).
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    mainRef.current?.focus({ preventScroll: true });
    // The server's canonical URL, Open Graph tags and JSON-LD described the first page only.
    forgetFirstPageMeta();
  }, [location.pathname]);

  return (
    <ShopNameContext.Provider value={info.data?.name ?? ''}>
      <CartOwnerContext.Provider value={cartOwner}>
        <a
          href="#main"
          className="sr-only z-50 rounded-full bg-brand px-4 py-2 text-brand-contrast focus:not-sr-only focus:fixed focus:left-4 focus:top-4"
        >
          {t('layout.skipToContent')}
        </a>
        <div className="flex min-h-dvh flex-col">
          <Header shopName={info.data?.name} />
          {/* At least a screen tall: the footer starts below the fold, so a page filling in never moves it. */}
          <main id="main" ref={mainRef} tabIndex={-1} className="mx-auto min-h-dvh w-full max-w-7xl flex-1 px-4 py-8 sm:px-6 lg:px-8">
            <RouteErrorBoundary key={location.pathname}>
              <Suspense fallback={<PageFallback label={t('states.loading')} />}>
                <Outlet />
              </Suspense>
            </RouteErrorBoundary>
          </main>
          <Footer info={info} />
        </div>
        <Notices />
        {user.data ? (
          <Suspense fallback={null}>
            <LiveRoot user={user.data} />
          </Suspense>
        ) : null}
      </CartOwnerContext.Provider>
    </ShopNameContext.Provider>
  );
}

function PageFallback({ label }: { label: string }) {
  return (
    <div className="flex flex-col gap-4">
      <LoadingStatus label={label} />
      <Skeleton className="h-10 w-1/2" />
      <Skeleton className="h-64" />
    </div>
  );
}
