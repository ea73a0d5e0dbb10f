import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useRemoveCartItem } from '@/features/cart/api/remove-cart-item';
import { useUpdateCartItem } from '@/features/cart/api/update-cart-item';
import { CartLines } from '@/features/cart/components/cart-lines';
import { PickupSummary } from '@/features/cart/components/store-availability';
import { removeFromGuestCart, setGuestQuantity } from '@/features/cart/guest-cart';
import { useCartView, type CartViewLine } from '@/features/cart/use-cart-view';
import { formatPrice } from '@/lib/format';
import { notify } from '@/lib/notices';
import { problemMessage } from '@/lib/problem-message';

export function Component() {
  const { t, i18n } = useTranslation();
  const cart = useCartView();
  const updateItem = useUpdateCartItem();
  const removeItem = useRemoveCartItem();

  const failed = (error: unknown) => notify({ tone: 'error', text: t('cart.changeFailed'), details: [problemMessage(t, error)] });
  const onQuantity = (line: CartViewLine, quantity: number) => {
    if (line.itemId === null) return setGuestQuantity(line.guestKey ?? '', quantity);
    updateItem.mutate({ itemId: line.itemId, quantity }, { onError: failed });
  };
  const onRemove = (line: CartViewLine) => {
    const name = line.name || t('cart.unknownProduct');
    if (line.itemId === null) {
      removeFromGuestCart(line.guestKey ?? '');
      return notify({ tone: 'info', text: t('cart.removed', { name }) });
    }
    removeItem.mutate(line.itemId, { onError: failed, onSuccess: () => notify({ tone: 'info', text: t('cart.removed', { name }) }) });
  };

  const heading = (
    <>
      <Seo title={t('cart.title')} description={t('cart.description')} />
      <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('cart.title')}</h1>
    </>
  );
  if (!cart || cart.isPending) {
    return (
      <div className="flex flex-col gap-6">
        {heading}
        <LoadingStatus label={t('states.loading')} />
        <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
          <div className="flex flex-col gap-3">
            <Skeleton className="h-28" />
            <Skeleton className="h-28" />
          </div>
          <Skeleton className="h-56" />
        </div>
      </div>
    );
  }
  if (cart.error && cart.owner === 'customer') {
    return (
      <div className="flex flex-col gap-6">
        {heading}
        <ErrorState error={cart.error} onRetry={cart.refetch} />
      </div>
    );
  }
  if (!cart.lines.length) {
    return (
      <div className="flex flex-col gap-6">
        {heading}
        <EmptyState
          title={t('cart.empty')}
          action={
            <Link to={paths.catalog()} className={buttonClasses()}>
              {t('home.browse')}
            </Link>
          }
        >
          {t('cart.emptyBody')}
        </EmptyState>
      </div>
    );
  }

  const money = (amount: string) => formatPrice(amount, cart.currency, i18n.language);
  const names = new Map(cart.lines.map((line) => [line.productId, line.name]));
  const nameOf = (productId: number) => names.get(productId) || t('cart.unknownProduct');
  const blocked = cart.lines.some((line) => !line.available);
  const nextCheckout = `${paths.login}?${new URLSearchParams({ next: paths.checkout })}`;
  return (
    <div className="flex flex-col gap-6">
      {heading}
      <div className="grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col gap-3">
          <CartLines lines={cart.lines} currency={cart.currency} onQuantity={onQuantity} onRemove={onRemove} />
          <Link to={paths.catalog()} className="w-fit text-sm font-semibold text-brand underline-offset-4 hover:underline">
            ← {t('cart.continueShopping')}
          </Link>
        </div>
        <aside className="flex flex-col gap-6">
          <section aria-labelledby="cart-summary" className="flex flex-col gap-4 rounded-2xl border border-line bg-surface p-5">
            <h2 id="cart-summary" className="font-display text-xl text-ink">
              {t('cart.summary')}
            </h2>
            <dl className="flex flex-col gap-1">
              <div className="flex justify-between text-ink-muted">
                <dt>{t('cart.itemCount', { count: cart.count })}</dt>
              </div>
              <div className="flex items-baseline justify-between text-lg font-semibold text-ink">
                <dt>{t('cart.total')}</dt>
                <dd className="tabular-nums" data-testid="cart-total">
                  {money(cart.total)}
                </dd>
              </div>
            </dl>
            {blocked ? <p className="text-sm text-ink-muted">{t('cart.totalNote')}</p> : null}
            {cart.count === 0 ? null : cart.owner === 'customer' ? (
              <Link to={paths.checkout} className={buttonClasses()}>
                {t('cart.checkout')}
              </Link>
            ) : (
              <>
                <Link to={paths.checkout} className={buttonClasses()}>
                  {t('cart.checkout')}
                </Link>
                <p className="text-sm text-ink-muted">{t('cart.guestNote')}</p>
                <Link to={nextCheckout} className={buttonClasses('secondary')}>
                  {t('cart.signInToCheckout')}
                </Link>
                <Link to={`${paths.register}?${new URLSearchParams({ next: paths.checkout })}`} className={buttonClasses('ghost')}>
                  {t('cart.createAccount')}
                </Link>
              </>
            )}
          </section>
          {cart.count > 0 ? (
            <section aria-labelledby="cart-pickup" className="flex flex-col gap-3 rounded-2xl border border-line bg-surface p-5">
              <h2 id="cart-pickup" className="font-display text-xl text-ink">
                {t('cart.pickupWhere')}
              </h2>
              <p className="text-sm text-ink-muted">{t('cart.pickupLead')}</p>
              {cart.availability.data ? (
                <PickupSummary stores={cart.availability.data.stores} nameOf={nameOf} />
              ) : cart.availability.error ? (
                <ErrorState error={cart.availability.error} onRetry={cart.availability.refetch} />
              ) : (
                <Skeleton className="h-24" />
              )}
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
