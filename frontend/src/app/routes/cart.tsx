import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Seo } from '@/components/seo';
import { buttonClasses } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useRemoveCartItem } from '@/features/cart/api/remove-cart-item';
import { useChangeCartItemOptions, useUpdateCartItem } from '@/features/cart/api/update-cart-item';
import { CartLines } from '@/features/cart/components/cart-lines';
import { PickupSummary } from '@/features/cart/components/store-availability';
import { changeGuestOptions, optionsText } from '@/features/cart/guest-cart-options';
import { removeFromGuestCart, setGuestQuantity } from '@/features/cart/guest-cart';
import { lineNamer, useCartView, type CartViewLine } from '@/features/cart/use-cart-view';
import { useProduct } from '@/features/catalog/api/get-product';
import { ProductOptionsForm } from '@/features/catalog/components/product-options';
import { choiceOf, choiceProblems, chosenModifiers, hasOptions, unitPrice } from '@/features/catalog/configuration';
import { useStores } from '@/features/stores/api/get-stores';
import { Button } from '@/components/ui/button';
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
  const nameOf = lineNamer(cart.lines, t('cart.unknownProduct'));
  const blocked = cart.lines.some((line) => !line.available);
  const nextCheckout = `${paths.login}?${new URLSearchParams({ next: paths.checkout })}`;
  return (
    <div className="flex flex-col gap-6">
      {heading}
      <div className="grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col gap-3">
          <CartLines
            lines={cart.lines}
            currency={cart.currency}
            onQuantity={onQuantity}
            onRemove={onRemove}
            change={(line) => (line.productId !== null && (line.options || line.reason === 'option_unavailable') ? <ChangeOptions line={line} productId={line.productId} /> : null)}
          />
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

/**
 * A line's "Change": the product's choices open under the line, as chosen; "Save" changes the
 * line in one request (a configuration another line has joins that line).
 */
function ChangeOptions({ line, productId }: { line: CartViewLine; productId: number }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const name = line.name || t('cart.unknownProduct');
  return (
    <>
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-label={t('cart.changeNamed', { name })}
        onClick={() => setOpen((value) => !value)}
        className="inline-flex min-h-11 items-center rounded-full px-3 text-sm font-semibold text-brand underline-offset-4 hover:bg-surface-muted hover:underline"
      >
        {t('cart.change')}
      </button>
      {open ? (
        <ChangePanel
          line={line}
          productId={productId}
          name={name}
          onDone={() => {
            setOpen(false);
            toggle.current?.focus();
          }}
        />
      ) : null}
    </>
  );
}

function ChangePanel({ line, productId, name, onDone }: { line: CartViewLine; productId: number; name: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const product = useProduct(String(productId));
  const stores = useStores();
  const change = useChangeCartItemOptions();
  const storeNames = useMemo(() => new Map((stores.data ?? []).map((store) => [store.id, store.name])), [stores.data]);
  const [picked, setPicked] = useState<ReturnType<typeof choiceOf> | null>(null);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => title.current?.focus(), []);
  const panel = 'flex w-full basis-full flex-col gap-4 rounded-xl border border-line bg-surface-muted p-4';
  if (product.isPending) return <div className={panel}><LoadingStatus label={t('states.loading')} /><Skeleton className="h-24" /></div>;
  if (product.isError) return <div className={panel}><ErrorState error={product.error} onRetry={() => void product.refetch()} /></div>;
  const item = product.data;
  if (!hasOptions(item)) return null;
  const choice = picked ?? choiceOf(item, line.variantId, line.variantId === null ? undefined : line.modifierIds);
  const problems = choiceProblems(item, choice);
  const variantName = item.variants.find((variant) => variant.id === choice.variantId)?.name ?? '';
  const options = optionsText(variantName, chosenModifiers(item, choice).map(({ modifier }) => modifier.name));
  const save = () => {
    if (problems.length || choice.variantId === null) return;
    const done = () => {
      notify({ tone: 'success', text: t('cart.optionsChanged', { name, options }) });
      onDone();
    };
    if (line.itemId === null) {
      changeGuestOptions(line.guestKey ?? '', { variant_id: choice.variantId, variant_name: variantName, modifier_ids: choice.modifierIds, options, price: unitPrice(item, choice) });
      return done();
    }
    // A promise, not mutate's callbacks: a line that joins another is gone from the page when
    // the answer lands, and callbacks of an unmounted line never fire (no "now: …" was said).
    change.mutateAsync({ itemId: line.itemId, variant_id: choice.variantId, modifier_ids: choice.modifierIds }).then(done, (error: unknown) =>
      notify({ tone: 'error', text: t('cart.changeFailed'), details: [problemMessage(t, error)] }),
    );
  };
  return (
    <section className={panel} aria-labelledby={`change-${line.key}`}>
      <h3 id={`change-${line.key}`} ref={title} tabIndex={-1} className="font-semibold text-ink outline-none">
        {t('cart.changeTitle', { name })}
      </h3>
      <ProductOptionsForm product={item} choice={choice} onChange={setPicked} storeNames={storeNames} />
      <div className="flex flex-wrap gap-3">
        <Button pending={change.isPending} disabled={problems.length > 0} onClick={save}>
          {t('cart.saveOptions')} · {formatPrice(unitPrice(item, choice), item.currency, i18n.language)}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          {t('cart.cancelChange')}
        </Button>
      </div>
    </section>
  );
}
