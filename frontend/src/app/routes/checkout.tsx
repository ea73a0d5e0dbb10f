import { zodResolver } from '@hookform/resolvers/zod';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useFieldMessage } from '@/features/auth/components/use-field-message';
import { useRemoveCartItem } from '@/features/cart/api/remove-cart-item';
import { useUpdateCartItem } from '@/features/cart/api/update-cart-item';
import { ShortLines } from '@/features/cart/components/store-availability';
import { removeFromGuestCart, setGuestQuantity } from '@/features/cart/guest-cart';
import { lineNamer, useCartView, type CartView, type LineNamer } from '@/features/cart/use-cart-view';
import { useInfo } from '@/features/info/api/get-info';
import { useAccounts } from '@/features/money/api/get-accounts';
import { finishAttempt, idempotencyKeyFor } from '@/features/orders/checkout-attempt';
import { guestContactSchema, type GuestContactValues } from '@/features/orders/guest-contact';
import { isRetriable, usePlaceOrder, type PlaceOrderInput } from '@/features/orders/api/place-order';
import { OpenStatus } from '@/features/stores/components/open-status';
import { TodayHours } from '@/features/stores/components/opening-hours';
import { toApiError } from '@/lib/api-error';
import type { PaymentMethod, PlacedOrder } from '@/lib/api-types';
import { applyApiErrors } from '@/lib/form-errors';
import { formatPrice } from '@/lib/format';
import { fromCents, toCents } from '@/lib/money';
import { notify } from '@/lib/notices';
import { storeOrderKey } from '@/lib/order-key';
import { problemMessage } from '@/lib/problem-message';

type ShortItem = { product_id: number; variant_id?: number; requested: number; available: number };

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('checkout.title')} description={t('checkout.description')} />
      <Checkout />
    </>
  );
}

/**
 * Where to pick up and how to pay. A guest (cart kept in this browser) fills the contact
 * details here and pays by card or at pickup; a signed-in customer may also pay from the
 * balance. A card order goes straight to the provider's page: cart → checkout → provider.
 */
function Checkout() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const fieldMessage = useFieldMessage();
  const cart = useCartView();
  const guest = cart?.owner === 'guest';
  const info = useInfo();
  const accounts = useAccounts({ enabled: cart?.owner === 'customer' });
  const place = usePlaceOrder();
  const contact = useForm<GuestContactValues>({ resolver: zodResolver(guestContactSchema), defaultValues: { name: '', email: '', phone: '' } });
  const [pickedStore, setStoreId] = useState<number | null>(null);
  const [pickedPayment, setPayment] = useState<PaymentMethod | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  const orderable = (cart?.lines ?? []).filter((line) => line.available);
  const stores = cart?.availability.data?.stores ?? [];
  const account = guest ? undefined : accounts.data?.[0];
  const total = cart?.total ?? '0.00';
  const cardOffered = info.data?.card_payments === true;
  const balanceCovers = account ? toCents(account.balance) >= toCents(total) : false;
  // Until the customer chooses: the first store with everything; the balance when it covers the
  // order, else (a guest) the card when the shop takes cards, else at pickup when the store
  // takes payment there.
  const storeId = pickedStore ?? stores.find((entry) => entry.all_available)?.store.id ?? null;
  const chosen = stores.find((entry) => entry.store.id === storeId);
  const pickupOffered = chosen?.store.pay_at_pickup ?? true;
  const offered: Record<PaymentMethod, boolean> = { card: cardOffered, balance: !guest && balanceCovers, pickup: pickupOffered };
  const firstOffered = (['balance', 'pickup', 'card'] as const).find((method) => offered[method]) ?? 'pickup';
  const fallback: PaymentMethod | null = guest ? (info.isPending ? null : cardOffered ? 'card' : 'pickup') : accounts.data ? firstOffered : null;
  const payment: PaymentMethod | null = pickedPayment && offered[pickedPayment] ? pickedPayment : fallback;

  const heading = <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('checkout.title')}</h1>;
  if (!cart || cart.isPending || (!guest && accounts.isPending)) {
    return (
      <div className="flex flex-col gap-6">
        {heading}
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-48" />
        <Skeleton className="h-32" />
      </div>
    );
  }
  if ((cart.error && !guest) || (!guest && accounts.isError)) {
    return (
      <div className="flex flex-col gap-6">
        {heading}
        <ErrorState error={cart.error ?? accounts.error} onRetry={() => void Promise.all([cart.refetch(), accounts.refetch()])} />
      </div>
    );
  }
  if (!orderable.length) {
    return (
      <div className="flex flex-col gap-6">
        {heading}
        <EmptyState
          title={t('checkout.emptyCart')}
          action={
            <Link to={paths.catalog()} className={buttonClasses()}>
              {t('home.browse')}
            </Link>
          }
        />
      </div>
    );
  }

  const money = (amount: string) => formatPrice(amount, cart.currency, i18n.language);
  const nameOf = lineNamer(cart.lines, t('cart.unknownProduct'));
  const leftOut = cart.lines.filter((line) => !line.available);
  const error = place.error ? toApiError(place.error) : null;
  const paymentLabel = { card: t('checkout.payCard'), balance: t('checkout.payBalance'), pickup: t('checkout.payAtPickup') };

  const placed = (order: PlacedOrder) => {
    finishAttempt();
    if (guest) {
      if (order.access_key) storeOrderKey(order.id, order.access_key);
      // The ordered lines leave the cart kept in this browser (the server empties a customer's).
      for (const line of orderable) if (line.guestKey !== null) removeFromGuestCart(line.guestKey);
    }
    if (order.pay_url && order.status === 'pending') {
      setLeaving(true);
      window.location.assign(order.pay_url);
      return;
    }
    navigate(paths.orderPlaced(order.id), { replace: true });
  };

  const send = (guestContact: GuestContactValues | null) => {
    if (!chosen?.all_available) return setFormError(t('checkout.chooseStore'));
    if (!payment) return;
    // Keep this store chosen, also when a refused order turns it short.
    setStoreId(chosen.store.id);
    const body: PlaceOrderInput = { store_id: chosen.store.id };
    if (payment === 'balance' && account) body.pay_with_account_id = account.id;
    if (payment === 'card') body.payment_method = 'card';
    if (guestContact) {
      body.payment_method = payment;
      body.guest = guestContact;
      // Each line's configuration; a line without one takes the product's first variant and the defaults.
      body.items = orderable.flatMap((line) =>
        line.productId === null
          ? []
          : [line.variantId === null ? { product_id: line.productId, quantity: line.quantity } : { product_id: line.productId, quantity: line.quantity, variant_id: line.variantId, modifier_ids: line.modifierIds }],
      );
    }
    place.mutate(
      { body, idempotencyKey: idempotencyKeyFor(body) },
      {
        onSuccess: placed,
        onError: (failure) => {
          const problem = toApiError(failure);
          if (guestContact && problem.status === 422) {
            const rest = applyApiErrors(problem, contact.setError, t, { fields: ['name', 'email', 'phone'] });
            if (!rest) place.reset();
          }
          if (problem.code === 'out_of_stock' || problem.code === 'products_unavailable' || problem.code === 'cart_empty') {
            cart.refetch();
            cart.availability.refetch();
          }
          if (problem.code === 'insufficient_funds') void accounts.refetch();
        },
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    if (guest) void contact.handleSubmit((values) => send(values))(event);
    else send(null);
  };
  const { errors } = contact.formState;

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-8">
      {heading}
      <div className="grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col gap-8">
          {guest ? (
            <fieldset className="flex flex-col gap-3">
              <legend className="mb-1 font-display text-2xl text-ink">{t('checkout.contactHeading')}</legend>
              <p className="text-sm text-ink-muted">
                {t('checkout.contactLead')}{' '}
                <Link to={`${paths.login}?${new URLSearchParams({ next: paths.checkout })}`} className="font-semibold text-brand underline">
                  {t('checkout.signInInstead')}
                </Link>
              </p>
              <Field label={t('checkout.contactName')} autoComplete="name" error={fieldMessage(errors.name?.message)} {...contact.register('name')} />
              <Field
                label={t('checkout.contactEmail')}
                type="email"
                inputMode="email"
                autoComplete="email"
                hint={t('checkout.contactEmailHint')}
                error={fieldMessage(errors.email?.message)}
                {...contact.register('email')}
              />
              <Field
                label={t('checkout.contactPhone')}
                type="tel"
                inputMode="tel"
                autoComplete="tel"
                hint={t('checkout.contactPhoneHint')}
                error={fieldMessage(errors.phone?.message)}
                {...contact.register('phone')}
              />
            </fieldset>
          ) : null}

          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 font-display text-2xl text-ink">{t('checkout.storeHeading')}</legend>
            <p className="text-sm text-ink-muted">{t('checkout.storeLead')}</p>
            {cart.availability.isPending ? (
              <Skeleton className="h-40" />
            ) : cart.availability.error ? (
              <ErrorState error={cart.availability.error} onRetry={() => cart.availability.refetch()} />
            ) : (
              <>
                {stores.every((entry) => !entry.all_available) ? (
                  <Alert tone="info">
                    {t('checkout.noStoreHasAll')}{' '}
                    <Link to={paths.cart} className="font-semibold text-brand underline">
                      {t('checkout.backToCart')}
                    </Link>
                  </Alert>
                ) : null}
                <div className="flex flex-col gap-3">
                  {stores.map((entry) => (
                    <Choice
                      key={entry.store.id}
                      name="store"
                      checked={storeId === entry.store.id}
                      disabled={!entry.all_available}
                      onChange={() => setStoreId(entry.store.id)}
                      title={entry.store.name}
                    >
                      <span className="text-sm text-ink-muted">{entry.store.address}</span>
                      <OpenStatus store={entry.store} compact />
                      <TodayHours store={entry.store} />
                      <ShortLines entry={entry} nameOf={nameOf} />
                    </Choice>
                  ))}
                </div>
              </>
            )}
          </fieldset>

          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 font-display text-2xl text-ink">{t('checkout.paymentHeading')}</legend>
            {cardOffered ? (
              <Choice name="payment" checked={payment === 'card'} onChange={() => setPayment('card')} title={t('checkout.payCard')}>
                <span className="text-sm text-ink-muted">{t('checkout.payCardHint')}</span>
              </Choice>
            ) : null}
            {guest ? null : (
              <>
                <Choice name="payment" checked={payment === 'balance'} disabled={!balanceCovers} onChange={() => setPayment('balance')} title={t('checkout.payBalance')}>
                  {account && balanceCovers ? (
                    <span className="text-sm text-ink-muted">
                      {t('checkout.balanceNowAfter', { now: money(account.balance), after: money(fromCents(toCents(account.balance) - toCents(total))) })}
                    </span>
                  ) : account ? (
                    <span className="text-sm text-ink-muted">
                      {t('checkout.balanceShort', { balance: money(account.balance), missing: money(fromCents(toCents(total) - toCents(account.balance))) })}
                    </span>
                  ) : null}
                </Choice>
                {account && !balanceCovers ? <AddFundsLink missing={fromCents(toCents(total) - toCents(account.balance))} /> : null}
              </>
            )}
            <Choice name="payment" checked={payment === 'pickup'} disabled={!pickupOffered} onChange={() => setPayment('pickup')} title={t('checkout.payAtPickup')}>
              <span className="text-sm text-ink-muted">{pickupOffered ? t('checkout.payAtPickupHint') : t('checkout.payAtPickupNotHere', { store: chosen?.store.name ?? '' })}</span>
            </Choice>
          </fieldset>
        </div>

        <section aria-labelledby="checkout-review" className="flex flex-col gap-4 rounded-2xl border border-line bg-surface p-5 lg:sticky lg:top-4">
          <h2 id="checkout-review" className="font-display text-2xl text-ink">
            {t('checkout.reviewHeading')}
          </h2>
          <ul className="flex flex-col gap-2 text-sm">
            {orderable.map((line) => (
              <li key={line.key} className="flex justify-between gap-3">
                <span className="min-w-0 text-ink">
                  {line.name} × {line.quantity}
                  {line.options ? <span className="block text-ink-muted">{line.options}</span> : null}
                </span>
                <span className="shrink-0 tabular-nums text-ink">{money(line.lineTotal ?? '0')}</span>
              </li>
            ))}
          </ul>
          {leftOut.length ? <p className="text-sm text-ink-muted">{t('checkout.leftOut', { names: leftOut.map((line) => line.name || t('cart.unknownProduct')).join(', ') })}</p> : null}
          <p className="flex items-baseline justify-between border-t border-line pt-3 text-lg font-semibold text-ink">
            <span>{t('cart.total')}</span>
            <span className="tabular-nums">{money(total)}</span>
          </p>
          {chosen ? (
            <p className="text-sm text-ink-muted">
              {t('orders.pickupAt', { store: chosen.store.name })}
              {payment ? ` · ${paymentLabel[payment]}` : null}
            </p>
          ) : null}
          {formError ? <Alert tone="error">{formError}</Alert> : null}
          {error && !place.isPending ? <PlaceError error={error} cart={cart} storeName={chosen?.store.name ?? ''} nameOf={nameOf} onRetry={submit} onFixed={() => place.reset()} /> : null}
          <Button type="submit" pending={place.isPending || leaving} disabled={!chosen?.all_available || !payment}>
            {payment === 'card' ? t('checkout.placeAndPay', { total: money(total) }) : t('checkout.place', { total: money(total) })}
          </Button>
          {payment === 'card' ? <p className="text-sm text-ink-muted">{t('checkout.cardNext')}</p> : null}
        </section>
      </div>
    </form>
  );
}

function Choice({
  name,
  checked,
  disabled = false,
  onChange,
  title,
  children,
}: {
  name: string;
  checked: boolean;
  disabled?: boolean;
  onChange: () => void;
  title: string;
  children?: ReactNode;
}) {
  return (
    <label
      className={`flex gap-3 rounded-2xl border p-4 ${checked ? 'border-brand bg-brand-soft' : 'border-line bg-surface'} ${disabled ? 'cursor-not-allowed opacity-80' : 'cursor-pointer hover:border-line-strong'}`}
    >
      <input type="radio" name={name} checked={checked} disabled={disabled} onChange={onChange} className="mt-1 size-5 shrink-0 accent-brand" />
      <span className="flex min-w-0 flex-col gap-1">
        <span className="font-semibold text-ink">{title}</span>
        {children}
      </span>
    </label>
  );
}

function AddFundsLink({ missing }: { missing: string }) {
  const { t } = useTranslation();
  const query = new URLSearchParams({ amount: missing, next: paths.checkout });
  return (
    <Link to={`${paths.account}?${query}#add-funds`} className={buttonClasses('secondary', 'w-fit')}>
      {t('checkout.addFunds')}
    </Link>
  );
}

/** Why the order was not placed, and what the customer can do about it. */
function PlaceError({
  error,
  cart,
  storeName,
  nameOf,
  onRetry,
  onFixed,
}: {
  error: ReturnType<typeof toApiError>;
  cart: CartView;
  storeName: string;
  nameOf: LineNamer;
  onRetry: (event: FormEvent) => void;
  onFixed: () => void;
}) {
  const { t, i18n } = useTranslation();
  const updateItem = useUpdateCartItem();
  const removeItem = useRemoveCartItem();
  const [fixing, setFixing] = useState(false);
  const money = (amount: string) => formatPrice(amount, cart.currency, i18n.language);

  if (error.code === 'out_of_stock') {
    const short = (Array.isArray(error.data.items) ? error.data.items : []) as ShortItem[];
    const fix = async () => {
      setFixing(true);
      try {
        for (const item of short) {
          const line = cart.lines.find((candidate) => candidate.productId === item.product_id);
          if (!line) continue;
          if (line.itemId === null) {
            if (item.available > 0) setGuestQuantity(line.guestKey ?? '', item.available);
            else removeFromGuestCart(line.guestKey ?? '');
          } else if (item.available > 0) await updateItem.mutateAsync({ itemId: line.itemId, quantity: item.available });
          else await removeItem.mutateAsync(line.itemId);
        }
        cart.availability.refetch();
        notify({ tone: 'success', text: t('checkout.fixed') });
        onFixed();
      } catch (failure) {
        notify({ tone: 'error', text: t('cart.changeFailed'), details: [problemMessage(t, failure)] });
      } finally {
        setFixing(false);
      }
    };
    return (
      <Alert tone="error" title={t('checkout.outOfStockTitle', { store: storeName })}>
        <ul className="mb-3 list-disc pl-5">
          {short.map((item) => (
            <li key={item.product_id}>{t('checkout.outOfStockLine', { name: nameOf(item), requested: item.requested, available: item.available })}</li>
          ))}
        </ul>
        <Button variant="secondary" pending={fixing} onClick={() => void fix()}>
          {t('checkout.fixCart')}
        </Button>
      </Alert>
    );
  }
  if (error.code === 'insufficient_funds') {
    const balance = String(error.data.balance ?? '0');
    const required = String(error.data.required ?? '0');
    return (
      <Alert tone="error" title={t('checkout.insufficientTitle')}>
        <p className="mb-3">{t('checkout.insufficientBody', { balance: money(balance), required: money(required) })}</p>
        <AddFundsLink missing={fromCents(Math.max(toCents(required) - toCents(balance), 0))} />
      </Alert>
    );
  }
  if (error.code === 'products_unavailable') return <Alert tone="error">{t('checkout.productsUnavailable')}</Alert>;
  if (error.code === 'options_unavailable') {
    // A chosen modifier is out at this store ("Oat"): another store, or change the line in the cart.
    const names = (Array.isArray(error.data.modifiers) ? error.data.modifiers : []).map(String).join(', ');
    return <Alert tone="error">{t('checkout.optionsUnavailable', { store: storeName, names })}</Alert>;
  }
  if (isRetriable(error)) {
    return (
      <Alert tone="error">
        <p className="mb-3">{error.isNetworkError ? t('checkout.lostAnswer') : problemMessage(t, error)}</p>
        <Button variant="secondary" onClick={onRetry}>
          {t('actions.retry')}
        </Button>
      </Alert>
    );
  }
  return <Alert tone="error">{problemMessage(t, error)}</Alert>;
}
