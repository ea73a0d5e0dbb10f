import { createContext, useContext, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useParams } from 'react-router';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useUser } from '@/features/auth/api/get-user';
import { keyFromFragment, readOrderKey, storeOrderKey } from '@/lib/order-key';

/** The guest's key to this order (null when signed in, or when no key is kept). */
const GuestKeyContext = createContext<string | null>(null);
export const useGuestOrderKey = () => useContext(GuestKeyContext);

/**
 * Takes the key from an order link's fragment (`#key=…`): keeps it in this browser, then drops
 * it from the address bar (and so from the history, a bookmark or a shared screenshot).
 */
function adoptKey(orderId: number): string | null {
  const fromLink = keyFromFragment(window.location.hash);
  if (fromLink && Number.isSafeInteger(orderId) && orderId > 0) {
    storeOrderKey(orderId, fromLink);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
    return fromLink;
  }
  return Number.isSafeInteger(orderId) && orderId > 0 ? readOrderKey(orderId) : null;
}

/** An order's page: for its signed-in customer (or staff), or a guest holding its key; else sign in. */
export function RequireOrderAccess({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const orderId = Number(useParams().orderId);
  const [key] = useState(() => adoptKey(orderId));
  const user = useUser();
  const location = useLocation();
  if (user.isPending) {
    return (
      <div className="flex flex-col gap-3">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-10 w-1/2" />
        <Skeleton className="h-32" />
      </div>
    );
  }
  if (user.isError) return <ErrorState error={user.error} onRetry={() => void user.refetch()} />;
  if (user.data) return children;
  if (!key) return <Navigate to={`${paths.login}?${new URLSearchParams({ next: `${location.pathname}${location.search}` })}`} replace />;
  return <GuestKeyContext.Provider value={key}>{children}</GuestKeyContext.Provider>;
}
