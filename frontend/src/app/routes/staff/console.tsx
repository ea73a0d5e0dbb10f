import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Seo } from '@/components/seo';
import { LoadingStatus, Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useUser } from '@/features/auth/api/get-user';
import { RequireStaff } from '@/features/auth/components/require-staff';
import { useOrder } from '@/features/orders/api/get-order';
import { OrderLines } from '@/features/orders/components/order-lines';
import { OrderStatusBadge } from '@/features/orders/components/order-status';
import { useConversations, type ConversationFilter } from '@/features/support/api/get-conversations';
import { ConversationPane } from '@/features/support/components/conversation-pane';
import { attachConsole, openPane, useConsole } from '@/features/support/staff-store';
import type { Conversation } from '@/lib/api-types';
import { formatDateTime, formatPrice } from '@/lib/format';
import { useLiveStatus } from '@/lib/live-socket';
import { useDebouncedValue } from '@/lib/use-debounced-value';

const FILTERS: ConversationFilter[] = ['open', 'mine', 'unassigned', 'closed'];

export function Component() {
  const { t } = useTranslation();
  return (
    <>
      <Seo title={t('staff.consoleTitle')} description={t('staff.consoleDescription')} />
      <RequireStaff>
        <SupportConsole />
      </RequireStaff>
    </>
  );
}

/** Support staff: the conversations (live, filtered, searched) and those open side by side. */
function SupportConsole() {
  const { t } = useTranslation();
  const me = useUser().data!;
  const [params, setParams] = useSearchParams();
  const filterParam = params.get('show') as ConversationFilter | null;
  const filter = filterParam && FILTERS.includes(filterParam) ? filterParam : 'open';
  const [search, setSearch] = useState(params.get('q') ?? '');
  const q = useDebouncedValue(search.trim(), 300);
  const conversations = useConversations({ filter, q, me: me.id });
  const consoleState = useConsole();
  const status = useLiveStatus();
  const queryClient = useQueryClient();

  useEffect(() => attachConsole(), []);
  // Anything live that changes the list (a new conversation, a message, a close) reloads it.
  useEffect(() => {
    if (consoleState.listVersion === 0) return;
    const timer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: ['support', 'conversations'] }), 200);
    return () => clearTimeout(timer);
  }, [consoleState.listVersion, queryClient]);
  useEffect(() => {
    const next = new URLSearchParams(params);
    if (q) next.set('q', q);
    else next.delete('q');
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [q, params, setParams]);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="font-display text-3xl text-ink sm:text-4xl">{t('staff.consoleTitle')}</h1>
        <p className={`text-sm ${status === 'online' ? 'text-success' : 'text-ink-muted'}`}>{status === 'online' ? t('chat.online') : t('chat.connecting')}</p>
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-[20rem_minmax(0,1fr)]">
        <section aria-labelledby="conversations-title" className="flex flex-col gap-3 rounded-2xl border border-line bg-surface p-4">
          <h2 id="conversations-title" className="font-display text-xl text-ink">
            {t('staff.conversations')}
          </h2>
          <fieldset>
            <legend className="mb-1 text-sm font-medium text-ink">{t('staff.filter')}</legend>
            <div className="flex flex-wrap gap-1">
              {FILTERS.map((value) => (
                <button
                  key={value}
                  type="button"
                  aria-pressed={filter === value}
                  onClick={() => {
                    const next = new URLSearchParams(params);
                    next.set('show', value);
                    setParams(next, { replace: true });
                  }}
                  className={`min-h-11 rounded-full px-3 text-sm font-semibold ${filter === value ? 'bg-brand text-brand-contrast' : 'border border-line-strong text-ink hover:bg-surface-muted'}`}
                >
                  {t(`staff.filters.${value}`)}
                </button>
              ))}
            </div>
          </fieldset>
          <div className="flex flex-col gap-1">
            <label htmlFor="conversation-search" className="text-sm font-medium text-ink">
              {t('staff.search')}
            </label>
            <input
              id="conversation-search"
              type="search"
              value={search}
              placeholder={t('staff.searchPlaceholder')}
              onChange={(event) => setSearch(event.target.value)}
              className="min-h-11 rounded-xl border border-line-strong bg-surface px-3 text-ink placeholder:text-ink-faint"
            />
          </div>
          <ConversationList
            conversations={conversations.data?.items}
            pending={conversations.isPending}
            error={conversations.isError ? conversations.error : null}
            onRetry={() => void conversations.refetch()}
            meId={me.id}
            unread={consoleState.unread}
          />
        </section>
        {consoleState.panes.length === 0 ? (
          <EmptyState title={t('staff.openHint')} />
        ) : (
          <div className={`grid gap-4 ${consoleState.panes.length > 1 ? 'xl:grid-cols-2' : ''} ${consoleState.panes.length > 2 ? '2xl:grid-cols-3' : ''}`}>
            {consoleState.panes.map((pane) => (
              <ConversationPane key={pane.id} pane={pane} meId={me.id} order={pane.conversation?.order_id ? <LinkedOrder orderId={pane.conversation.order_id} /> : null} />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

function ConversationList({
  conversations,
  pending,
  error,
  onRetry,
  meId,
  unread,
}: {
  conversations: Conversation[] | undefined;
  pending: boolean;
  error: unknown;
  onRetry: () => void;
  meId: number;
  unread: Record<number, number>;
}) {
  const { t, i18n } = useTranslation();
  if (pending) {
    return (
      <div className="flex flex-col gap-2">
        <LoadingStatus label={t('states.loading')} />
        <Skeleton className="h-16" />
        <Skeleton className="h-16" />
      </div>
    );
  }
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  if (!conversations?.length) return <p className="py-4 text-center text-ink-muted">{t('staff.none')}</p>;
  return (
    <ul className="flex flex-col gap-2" aria-label={t('staff.conversations')}>
      {conversations.map((conversation) => {
        const customer = conversation.customer;
        const name = customer ? customer.full_name || customer.username : (conversation.guest_name ?? `#${conversation.id}`);
        const count = unread[conversation.id] ?? 0;
        const state =
          conversation.status === 'closed'
            ? t('staff.closedTag')
            : conversation.assigned_to_id === null
              ? t('staff.unassigned')
              : conversation.assigned_to_id === meId
                ? t('staff.assignedToYou')
                : t('staff.assignedTo', { id: conversation.assigned_to_id });
        return (
          <li key={conversation.id}>
            <button
              type="button"
              onClick={() => openPane(conversation.id, conversation)}
              className="flex w-full flex-col items-start gap-0.5 rounded-xl border border-line px-3 py-2 text-left hover:bg-surface-muted"
            >
              <span className="flex w-full items-center justify-between gap-2">
                <span className="truncate font-semibold text-ink">{name}</span>
                {count > 0 ? <span className="shrink-0 rounded-full bg-accent px-2 text-xs font-semibold text-brand-contrast">{t('staff.newMessages', { count })}</span> : null}
              </span>
              <span className="text-sm text-ink-muted">{customer ? `@${customer.username}` : t('staff.guest')}</span>
              <span className="text-sm text-ink-muted">
                {state}
                {conversation.order_id ? ` · #${conversation.order_id}` : ''}
              </span>
              <span className="text-xs text-ink-muted">{t('staff.updated', { time: formatDateTime(conversation.updated_at, i18n.language) })}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The customer's order the conversation is about, beside it. */
function LinkedOrder({ orderId }: { orderId: number }) {
  const { t, i18n } = useTranslation();
  const order = useOrder(orderId);
  if (order.isPending) return <Skeleton className="h-16" />;
  if (order.isError) return <p className="text-danger">{t('staff.orderLoadFailed')}</p>;
  const detail = order.data;
  return (
    <div className="flex flex-col gap-1">
      <p className="flex flex-wrap items-center gap-2">
        <Link to={paths.order(detail.id)} className="font-semibold text-brand underline-offset-4 hover:underline">
          {t('orders.number', { number: detail.number })}
        </Link>
        <OrderStatusBadge status={detail.status} />
      </p>
      <p className="text-ink-muted">
        {detail.store.name} · {formatPrice(detail.total, detail.currency, i18n.language)}
      </p>
      <OrderLines order={detail} />
    </div>
  );
}
