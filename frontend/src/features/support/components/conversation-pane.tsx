import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { LoadingStatus } from '@/components/ui/skeleton';
import { answer, closeConversation, closePane, loadOlderIn, staffTyping, type Pane } from '../staff-store';
import { Composer } from './composer';
import { MessageBubble, MessageScroller } from './message-view';

/** One conversation in the console: its messages, who types, answer and close, its order beside. */
export function ConversationPane({ pane, meId, order }: { pane: Pane; meId: number; order: ReactNode }) {
  const { t } = useTranslation();
  const customer = pane.conversation?.customer;
  const guestName = pane.conversation?.guest_name;
  const name = customer ? customer.full_name || customer.username : (guestName ?? `#${pane.id}`);
  const closed = pane.conversation?.status === 'closed';
  const typing = pane.typing && pane.typing.userId !== meId ? pane.typing : null;
  const titleId = `pane-${pane.id}-title`;

  return (
    <section aria-labelledby={titleId} className="flex min-h-[28rem] min-w-0 flex-col rounded-2xl border border-line bg-surface lg:max-h-[calc(100dvh-12rem)]">
      <header className="flex items-start justify-between gap-2 border-b border-line px-4 py-3">
        <div className="min-w-0">
          <h2 id={titleId} className="truncate font-display text-lg text-ink">
            {t('staff.with', { name })}
          </h2>
          {customer ? <p className="truncate text-sm text-ink-muted">@{customer.username}</p> : null}
          {!customer && guestName ? <p className="truncate text-sm text-ink-muted">{t('staff.guest')}</p> : null}
        </div>
        <div className="flex shrink-0 items-center gap-1">
          {!closed && pane.conversation ? (
            <Button variant="secondary" className="px-3" pending={pane.closing} onClick={() => closeConversation(pane.id)}>
              {t('staff.close')}
            </Button>
          ) : null}
          <button
            type="button"
            onClick={() => closePane(pane.id)}
            className="inline-flex size-11 items-center justify-center rounded-full text-ink hover:bg-surface-muted"
            aria-label={t('staff.closePane', { name })}
          >
            <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </div>
      </header>
      <details className="border-b border-line px-4 py-2 text-sm" open>
        <summary className="min-h-8 cursor-pointer font-semibold text-ink">{t('staff.linkedOrder')}</summary>
        <div className="pt-2">{pane.conversation?.order_id ? order : <p className="text-ink-muted">{t('staff.noOrder')}</p>}</div>
      </details>
      {pane.joinError ? (
        <div className="px-4 pt-3">
          <Alert tone="error">{pane.joinError}</Alert>
        </div>
      ) : null}
      <MessageScroller label={t('chat.messages')} count={pane.messages.length + pane.pending.length} firstKey={pane.messages[0]?.id} onTop={() => void loadOlderIn(pane.id)}>
        {pane.joining && pane.messages.length === 0 ? <LoadingStatus label={t('staff.joining')} /> : null}
        {pane.hasMore ? (
          <div className="mb-3 flex justify-center">
            <Button variant="ghost" pending={pane.loadingOlder} onClick={() => void loadOlderIn(pane.id)}>
              {t('chat.older')}
            </Button>
          </div>
        ) : null}
        <ol className="flex flex-col gap-3" aria-label={t('chat.messages')}>
          {pane.messages.map((message) => (
            <MessageBubble
              key={message.id}
              mine={message.from_staff}
              author={message.from_staff ? t('chat.support') : name}
              text={message.text}
              createdAt={message.created_at}
            />
          ))}
          {pane.pending.map((pending) => (
            <MessageBubble key={pending.ref} mine author={t('chat.you')} text={pending.text}>
              <span className={pending.error ? 'text-danger' : ''}>{pending.error ? `${t('chat.notSent')} ${pending.error}` : t('chat.sending')}</span>
            </MessageBubble>
          ))}
        </ol>
        {closed ? <p className="mt-3 rounded-xl bg-surface-muted px-3 py-2 text-center text-sm text-ink-muted">{t('staff.closedNote')}</p> : null}
      </MessageScroller>
      <p role="status" className="min-h-6 px-4 text-sm text-ink-muted">
        {typing ? (typing.fromStaff ? t('staff.colleagueTyping', { id: typing.userId }) : t('staff.customerTyping', { name })) : ''}
      </p>
      {closed ? null : <Composer label={t('staff.answer', { name })} onSend={(text) => answer(pane.id, text)} onTyping={() => staffTyping(pane.id)} disabled={!pane.conversation} />}
    </section>
  );
}
