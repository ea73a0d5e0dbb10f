import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useUser } from '@/features/auth/api/get-user';
import { RequireStaff } from '@/features/auth/components/require-staff';
import { mayRefundLine } from '@/features/auth/roles';
import { getBoardOrders } from '@/features/orders/api/get-board-orders';
import { useUpdateOrderStatus } from '@/features/orders/api/update-order-status';
import { BoardRefund } from '@/features/orders/components/board-refund';
import { lineModifiers, lineTitle } from '@/features/orders/line-options';
import { BOARD_COLUMNS, NEXT_STATUS, boardColumns, upsertOrder, type Board, type BoardColumn } from '@/features/orders/board';
import { useStores } from '@/features/stores/api/get-stores';
import type { OrderSummary } from '@/lib/api-types';
import { formatPrice, formatTime } from '@/lib/format';
import { live, nextRef, useLiveFrames, useLiveGeneration, useLiveStatus } from '@/lib/live-socket';
import { problemMessage } from '@/lib/problem-message';

const SOUND_KEY = 'shop.board.sound';
// How long a new order stands out.
const NEW_FOR_MS = 60_000;

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('staff.boardTitle')} description={t('staff.boardDescription')} />
      <RequireStaff>
        <OrderBoard />
      </RequireStaff>
    </>
  );
}

/** The counter's board: a store's open orders in three columns, live; one click moves one on. */
function OrderBoard() {
  const { t } = useTranslation();
  const stores = useStores();
  const [params, setParams] = useSearchParams();
  const storeId = Number(params.get('store')) || 0;
  const status = useLiveStatus();

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('staff.boardTitle')}</h1>
          <p className={`text-sm ${status === 'online' ? 'text-success' : 'text-ink-muted'}`}>{status === 'online' ? t('staff.boardLive') : t('staff.boardReconnecting')}</p>
        </div>
        <div className="flex flex-wrap items-end gap-4">
          <div className="flex flex-col gap-1">
            <label htmlFor="board-store" className="text-sm font-medium text-ink">
              {t('staff.store')}
            </label>
            <select
              id="board-store"
              value={storeId || ''}
              onChange={(event) => setParams(event.target.value ? { store: event.target.value } : {}, { replace: true })}
              className="min-h-11 rounded-xl border border-line-strong bg-surface px-3 text-ink"
            >
              <option value="">{t('staff.chooseStore')}</option>
              {(stores.data ?? []).map((store) => (
                <option key={store.id} value={store.id}>
                  {store.name}
                </option>
              ))}
            </select>
          </div>
          <SoundToggle />
        </div>
      </div>
      {stores.isError ? <ErrorState error={stores.error} onRetry={() => void stores.refetch()} /> : null}
      {storeId ? <StoreBoard key={storeId} storeId={storeId} /> : <EmptyState title={t('staff.chooseStore')} />}
    </div>
  );
}

let soundOn = readSound();
let audio: AudioContext | null = null;

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

function SoundToggle() {
  const { t } = useTranslation();
  const [on, setOn] = useState(soundOn);
  return (
    <label className="flex min-h-11 items-center gap-2 text-sm font-medium text-ink">
      <input
        type="checkbox"
        className="size-5 accent-brand"
        checked={on}
        onChange={(event) => {
          soundOn = event.target.checked;
          setOn(soundOn);
          // Browsers let a page play sound once the user has acted on it: this click is that.
          if (soundOn && !audio && typeof AudioContext !== 'undefined') audio = new AudioContext();
          try {
            localStorage.setItem(SOUND_KEY, soundOn ? 'on' : 'off');
          } catch {
            // storage disabled: the choice lasts for this visit
          }
        }}
      />
      {t('staff.sound')}
    </label>
  );
}

function chime(): void {
  if (!soundOn || typeof AudioContext === 'undefined') return;
  audio ??= new AudioContext();
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.6);
}

type Load = { state: 'waiting' | 'ready' } | { state: 'failed'; error: unknown };

/**
 * Subscribes to the store's order events, then loads its open orders over REST (every
 * reconnect again: the events of the time away are not replayed), and applies the frames.
 */
function StoreBoard({ storeId }: { storeId: number }) {
  const { t } = useTranslation();
  const generation = useLiveGeneration();
  const [board, setBoard] = useState<Board>(new Map());
  const [load, setLoad] = useState<Load>({ state: 'waiting' });
  const [fresh, setFresh] = useState<ReadonlyMap<number, number>>(new Map());
  const [announcement, setAnnouncement] = useState('');
  const [retry, setRetry] = useState(0);
  const subscribeRef = useRef<string | null>(null);
  const loadController = useRef<AbortController | null>(null);

  useEffect(() => {
    if (generation === 0 || live.status !== 'online') return;
    const ref = nextRef('b');
    subscribeRef.current = ref;
    live.send({ type: 'subscribe', board: { store_id: storeId }, ref });
    return () => {
      subscribeRef.current = null;
      loadController.current?.abort();
      // A connection that dropped watches nothing any more: only an open one is told.
      if (live.status === 'online') live.send({ type: 'unsubscribe', board: { store_id: storeId } });
    };
  }, [storeId, generation, retry]);

  useLiveFrames((frame) => {
    if (frame.type === 'subscribed' && frame.ref && frame.ref === subscribeRef.current) {
      // Watching from now on: whatever the list misses, a frame brings.
      loadController.current?.abort();
      const controller = new AbortController();
      loadController.current = controller;
      getBoardOrders(storeId, controller.signal).then(
        (orders) => {
          if (controller.signal.aborted) return;
          setBoard((current) => orders.reduce(upsertOrder, current));
          setLoad({ state: 'ready' });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setLoad({ state: 'failed', error });
        },
      );
    } else if (frame.type === 'error' && frame.ref && frame.ref === subscribeRef.current) {
      setLoad({ state: 'failed', error: new Error(frame.detail) });
    } else if (frame.type === 'order' && frame.order.store.id === storeId) {
      const order = frame.order;
      const arrived = (frame.event === 'placed' || frame.event === 'paid') && !board.has(order.id);
      setBoard((current) => upsertOrder(current, order));
      if (arrived) {
        setFresh((current) => new Map(current).set(order.id, Date.now()));
        setAnnouncement(t('staff.newOrder', { number: order.number }));
        chime();
      }
    }
  });

  // New orders stand out for a while.
  useEffect(() => {
    if (fresh.size === 0) return;
    const timer = setTimeout(() => setFresh((current) => new Map([...current].filter(([, at]) => Date.now() - at < NEW_FOR_MS))), NEW_FOR_MS);
    return () => clearTimeout(timer);
  }, [fresh]);

  if (load.state === 'failed') return <ErrorState error={load.error} onRetry={() => {
          setLoad({ state: 'waiting' });
          setRetry((n) => n + 1);
        }} />;
  if (load.state !== 'ready') {
    return (
      <div className="grid gap-4 md:grid-cols-3">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-64" />
        <Skeleton className="h-64" />
        <Skeleton className="h-64" />
      </div>
    );
  }
  const columns = boardColumns(board);
  return (
    <>
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
      <div className="grid items-start gap-4 md:grid-cols-3">
        {BOARD_COLUMNS.map((column) => (
          <BoardColumnView
            key={column}
            column={column}
            orders={columns[column]}
            fresh={fresh}
            onMoved={(order) => {
              setBoard((current) => upsertOrder(current, order));
              setFresh((current) => {
                const next = new Map(current);
                next.delete(order.id);
                return next;
              });
            }}
          />
        ))}
      </div>
    </>
  );
}

function BoardColumnView({ column, orders, fresh, onMoved }: { column: BoardColumn; orders: OrderSummary[]; fresh: ReadonlyMap<number, number>; onMoved: (order: OrderSummary) => void }) {
  const { t } = useTranslation();
  const id = `column-${column}`;
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3 rounded-2xl bg-surface-muted p-3">
      <h2 id={id} className="flex items-center justify-between font-display text-xl text-ink">
        {t(`staff.columns.${column}`)}
        <span className="rounded-full bg-surface px-2 text-sm font-semibold tabular-nums text-ink">{orders.length}</span>
      </h2>
      {orders.length === 0 ? <p className="py-6 text-center text-sm text-ink-muted">{t('staff.emptyColumn')}</p> : null}
      <ul className="flex flex-col gap-3" aria-labelledby={id}>
        {orders.map((order) => (
          <OrderCard key={order.id} order={order} isNew={fresh.has(order.id)} onMoved={onMoved} />
        ))}
      </ul>
    </section>
  );
}

function OrderCard({ order, isNew, onMoved }: { order: OrderSummary; isNew: boolean; onMoved: (order: OrderSummary) => void }) {
  const { t, i18n } = useTranslation();
  const move = useUpdateOrderStatus();
  const user = useUser();
  const next = NEXT_STATUS[order.status];
  const action = next ? t(`staff.actions.${next}`) : null;
  return (
    <li
      aria-label={t('orders.number', { number: order.number })}
      className={`relative flex flex-col gap-2 rounded-xl border bg-surface p-3 ${isNew ? 'border-accent' : 'border-line'}`}
    >
      {/* A new order's ring pulses, not its text: what to make stays at full contrast. */}
      {isNew ? <span aria-hidden="true" className="pointer-events-none absolute -inset-px rounded-xl shadow-[0_0_0_3px_var(--color-accent-soft)] motion-safe:animate-pulse" /> : null}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-semibold text-ink">
          {t('orders.number', { number: order.number })}
          {isNew ? <span className="ml-2 rounded-full bg-accent px-2 py-0.5 text-xs text-brand-contrast">{t('staff.newBadge')}</span> : null}
        </p>
        <time dateTime={order.created_at} className="text-sm text-ink-muted">
          {formatTime(order.created_at, i18n.language)}
        </time>
      </div>
      <p className="text-sm text-ink-muted">
        {order.customer_name ?? '—'} · {formatPrice(order.total, order.currency, i18n.language)}
        {order.status === 'pending' ? ` · ${t('staff.unpaid')}` : ''}
      </p>
      <ul className="flex flex-col gap-2 text-ink" aria-label={t('staff.orderLines', { number: order.number })}>
        {order.items.map((line) => {
          const modifiers = lineModifiers(line);
          return (
            <li key={line.id} className="flex flex-col">
              <span className="text-base font-semibold">
                <span className="tabular-nums">{line.quantity}</span> × {lineTitle(line)}
                {line.refunded_quantity ? <span className="font-normal text-ink-muted"> · {t('refunds.lineNote', { count: line.refunded_quantity })}</span> : null}
              </span>
              {modifiers ? (
                <span className="text-base font-medium">
                  <span className="sr-only">{t('orders.options')}: </span>
                  {modifiers}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {move.error ? <Alert tone="error" title={t('staff.moveFailed', { number: order.number })}>{problemMessage(t, move.error)}</Alert> : null}
      {next && action ? (
        <Button
          variant={next === 'completed' ? 'secondary' : 'primary'}
          pending={move.isPending}
          aria-label={t('staff.actionFor', { action, number: order.number })}
          onClick={() => move.mutate({ orderId: order.id, status: next }, { onSuccess: (moved) => onMoved(moved) })}
        >
          {action}
        </Button>
      ) : null}
      {mayRefundLine(user.data) ? <BoardRefund order={order} onRefunded={onMoved} /> : null}
    </li>
  );
}
