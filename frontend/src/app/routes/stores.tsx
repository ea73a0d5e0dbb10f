import { useTranslation } from 'react-i18next';
import { Seo } from '@/components/seo';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useStores } from '@/features/stores/api/get-stores';
import { StoreCard } from '@/features/stores/components/store-card';

export function Component() {
  const { t } = useTranslation();
  const stores = useStores();
  return (
    <>
      <Seo title={t('stores.title')} description={t('stores.description')} />
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('stores.title')}</h1>
      <p className="mt-2 max-w-prose text-ink-muted">{t('stores.lead')}</p>
      <div className="mt-8">
        {stores.isPending ? (
          <div className="grid gap-5 md:grid-cols-2 xl:grid-cols-3">
            <LoadingStatus label={t('states.loading')} />
            <Skeleton className="h-48" />
            <Skeleton className="h-48" />
            <Skeleton className="h-48" />
          </div>
        ) : stores.isError ? (
          <ErrorState error={stores.error} onRetry={() => void stores.refetch()} />
        ) : stores.data.length === 0 ? (
          <EmptyState title={t('stores.empty')} />
        ) : (
          <ul className="grid gap-5 md:grid-cols-2 xl:grid-cols-3">
            {stores.data.map((store) => (
              <li key={store.id} className="flex">
                <div className="w-full">
                  <StoreCard store={store} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}
