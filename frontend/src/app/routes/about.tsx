import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Seo } from '@/components/seo';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useInfo } from '@/features/info/api/get-info';
import { OpenStatus } from '@/features/stores/components/open-status';

export function Component() {
  const { t } = useTranslation();
  const info = useInfo();
  if (info.isPending) {
    return (
      <div className="flex flex-col gap-4">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-10 w-1/3" />
        <Skeleton className="h-40" />
      </div>
    );
  }
  if (info.isError) return <ErrorState error={info.error} onRetry={() => void info.refetch()} />;
  const shop = info.data;
  return (
    <>
      <Seo title={t('about.title')} description={t('about.description', { name: shop.name })} />
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('about.heading', { name: shop.name })}</h1>
      <p className="mt-3 max-w-prose text-lg text-ink-muted">{shop.delivery_terms ? t('about.leadWithDelivery') : t('about.lead')}</p>
      <div className="mt-10 grid gap-6 md:grid-cols-2">
        <section aria-labelledby="about-pickup" className="rounded-2xl border border-line bg-surface p-6">
          <h2 id="about-pickup" className="mb-2 font-display text-xl text-ink">
            {t('about.pickup')}
          </h2>
          <p className="text-ink-muted">{shop.pickup_terms}</p>
        </section>
        {shop.delivery_terms ? (
          <section aria-labelledby="about-delivery" className="rounded-2xl border border-line bg-surface p-6">
            <h2 id="about-delivery" className="mb-2 font-display text-xl text-ink">
              {t('about.delivery')}
            </h2>
            <p className="text-ink-muted">{shop.delivery_terms}</p>
          </section>
        ) : null}
        <section aria-labelledby="about-contact" className="rounded-2xl border border-line bg-surface p-6">
          <h2 id="about-contact" className="mb-2 font-display text-xl text-ink">
            {t('layout.contact')}
          </h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-ink">
            <dt className="text-ink-muted">{t('about.email')}</dt>
            <dd>
              <a href={`mailto:${shop.contacts.email}`} className="underline-offset-4 hover:underline">
                {shop.contacts.email}
              </a>
            </dd>
            <dt className="text-ink-muted">{t('about.phone')}</dt>
            <dd>
              <a href={`tel:${shop.contacts.phone.replace(/\s+/g, '')}`} className="underline-offset-4 hover:underline">
                {shop.contacts.phone}
              </a>
            </dd>
          </dl>
        </section>
        <section aria-labelledby="about-stores" className="rounded-2xl border border-line bg-surface p-6">
          <h2 id="about-stores" className="mb-2 font-display text-xl text-ink">
            {t('layout.ourStores')}
          </h2>
          <ul className="flex flex-col gap-3">
            {shop.stores.map((store) => (
              <li key={store.id}>
                <Link to={paths.store(store.id)} className="font-semibold text-ink hover:underline">
                  {store.name}
                </Link>
                <p className="text-sm text-ink-muted">{store.address}</p>
                <OpenStatus store={store} compact />
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
