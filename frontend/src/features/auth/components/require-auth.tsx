import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useUser } from '../api/get-user';

/** A page for signed-in users: a guest goes to sign in, and comes back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
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
  if (!user.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`${paths.login}?${new URLSearchParams({ next })}`} replace />;
  }
  return children;
}
