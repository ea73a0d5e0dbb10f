import type { UseQueryResult } from '@tanstack/react-query';
import { memo, useDeferredValue } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { OpenStatus } from '@/features/stores/components/open-status';
import type { ApiError } from '@/lib/api-error';
import type { ShopInfo } from '@/lib/api-types';
import { useSeen } from '@/lib/use-seen';

type FooterStore = ShopInfo['stores'][number];

export function Footer({ info }: { info: UseQueryResult<ShopInfo, ApiError> }) {
  const { t } = useTranslation();
  const year = new Date().getFullYear();
  // Below the fold: the stores' open-now states (time-zone arithmetic per store) render after the
  // page, in a transition that yields to the browser, not in the render that shows the page.
  const stores = useDeferredValue(info.data?.stores);
  // Below the fold: the browser lays the footer out and paints it only when it nears the screen.
  return (
    <footer data-print="hide" className="mt-16 border-t border-line bg-surface-muted [contain-intrinsic-size:auto_40rem] [content-visibility:auto]">
      <div className="mx-auto grid max-w-7xl gap-10 px-4 py-12 sm:px-6 md:grid-cols-[2fr_1fr] lg:px-8">
        <section aria-labelledby="footer-stores">
          <h2 id="footer-stores" className="mb-4 font-display text-lg text-ink">
            {t('layout.ourStores')}
          </h2>
          {info.isPending || (info.data && !stores) ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <Skeleton className="h-20" />
              <Skeleton className="h-20" />
            </div>
          ) : info.isError ? (
            <p className="text-ink-muted">{t('layout.storesUnavailable')}</p>
          ) : (
            <FooterStores stores={stores ?? info.data.stores} />
          )}
        </section>
        <section aria-labelledby="footer-contact">
          <h2 id="footer-contact" className="mb-4 font-display text-lg text-ink">
            {t('layout.contact')}
          </h2>
          {info.data ? (
            <ul className="flex flex-col gap-2 text-sm">
              <li>
                <a href={`mailto:${info.data.contacts.email}`} className="text-ink underline-offset-4 hover:underline">
                  {info.data.contacts.email}
                </a>
              </li>
              <li>
                <a href={`tel:${info.data.contacts.phone.replace(/\s+/g, '')}`} className="text-ink underline-offset-4 hover:underline">
                  {info.data.contacts.phone}
                </a>
              </li>
              <li>
                <Link to={paths.about} className="text-ink underline-offset-4 hover:underline">
                  {info.data.delivery_terms ? t('layout.deliveryAndPickup') : t('layout.pickup')}
                </Link>
              </li>
            </ul>
          ) : null}
        </section>
      </div>
      <p className="border-t border-line py-4 text-center text-sm text-ink-muted">
        © {year} {info.data?.name}
      </p>
    </footer>
  );
}

const FooterStores = memo(function FooterStores({ stores }: { stores: FooterStore[] }) {
  // Open now or not needs each store's time zone (the first such Intl formatter alone costs a
  // slow phone tens of milliseconds): worked out when the footer comes near the screen.
  const [ref, seen] = useSeen<HTMLUListElement>();
  return (
    <ul ref={ref} className="grid gap-5 sm:grid-cols-2">
      {stores.map((store) => (
        <li key={store.id} className="flex flex-col gap-1">
          <Link to={paths.store(store.id)} className="font-semibold text-ink hover:underline">
            {store.name}
          </Link>
          <span className="text-sm text-ink-muted">{store.address}</span>
          {seen ? <OpenStatus store={store} compact /> : <span className="block min-h-6" />}
        </li>
      ))}
    </ul>
  );
});
