import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { useLiveStatus, type LiveStatus } from '@/lib/live-socket';
import {
  closeChat,
  discardMessage,
  forgetOrder,
  loadOlder,
  openChat,
  retryMessage,
  sendMessage,
  typing,
  useChat,
  type PendingMessage,
} from '../chat-store';
import { Composer } from './composer';
import { MessageBubble, MessageScroller } from './message-view';

const DRAFT_KEY = 'shop.chat.draft';

function readDraft(): string {
  try {
    return sessionStorage.getItem(DRAFT_KEY) ?? '';
  } catch {
    return '';
  }
}

function saveDraft(text: string): void {
  try {
    sessionStorage.setItem(DRAFT_KEY, text);
  } catch {
    // storage disabled: the draft lasts while the panel is open
  }
}

/** The customer's chat with the shop: a button with the unread count, and the panel it opens. */
export function ChatPanel() {
  const { t } = useTranslation();
  const chat = useChat();
  const launcher = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLElement>(null);
  const wasOpen = useRef(chat.open);

  // Opening moves focus into the panel; closing gives it back to the button.
  useEffect(() => {
    if (chat.open && !wasOpen.current) panel.current?.querySelector('textarea')?.focus();
    if (!chat.open && wasOpen.current) launcher.current?.focus();
    wasOpen.current = chat.open;
  }, [chat.open]);
  // Escape closes the panel from anywhere inside it.
  useEffect(() => {
    const element = panel.current;
    if (!chat.open || !element) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeChat();
    };
    element.addEventListener('keydown', onKey);
    return () => element.removeEventListener('keydown', onKey);
  }, [chat.open]);

  return (
    <>
      {chat.open ? (
        <section
          ref={panel}
          aria-labelledby="chat-title"
          data-print="hide"
          className="fixed inset-x-2 bottom-2 z-30 flex max-h-[min(36rem,calc(100dvh-1rem))] flex-col rounded-2xl border border-line bg-surface shadow-xl sm:inset-x-auto sm:right-6 sm:bottom-6 sm:w-96"
        >
          <ChatBody />
        </section>
      ) : (
        <button
          ref={launcher}
          type="button"
          onClick={() => openChat()}
          data-print="hide"
          className="fixed right-3 bottom-3 z-30 inline-flex min-h-12 items-center gap-2 rounded-full bg-brand px-4 font-semibold text-brand-contrast shadow-lg hover:bg-brand-strong sm:right-6 sm:bottom-6"
        >
          <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round">
            <path d="M4 5h16v11H9l-5 4z" />
          </svg>
          <span>{t('chat.open')}</span>
          {chat.unread > 0 ? (
            <>
              <span aria-hidden="true" className="min-w-6 rounded-full bg-brand-contrast px-1.5 text-center text-sm text-brand-strong">
                {chat.unread}
              </span>
              <span className="sr-only">{t('chat.unread', { count: chat.unread })}</span>
            </>
          ) : null}
        </button>
      )}
    </>
  );
}

function ChatBody() {
  const { t } = useTranslation();
  const chat = useChat();
  const status = useLiveStatus();
  const closed = chat.conversation?.status === 'closed';
  const firstKey = chat.messages[0]?.id;

  return (
    <>
      <header className="flex items-start justify-between gap-2 border-b border-line px-4 py-3">
        <div>
          <h2 id="chat-title" className="font-display text-lg text-ink">
            {t('chat.title')}
          </h2>
          <ConnectionLine status={status} />
        </div>
        <button type="button" onClick={closeChat} className="inline-flex size-11 items-center justify-center rounded-full text-ink hover:bg-surface-muted" aria-label={t('chat.close')}>
          <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <path d="M6 6l12 12M18 6L6 18" />
          </svg>
        </button>
      </header>
      <MessageScroller label={t('chat.messages')} count={chat.messages.length + chat.pending.length} firstKey={firstKey} onTop={() => void loadOlder()}>
        {chat.hasMore ? (
          <div className="mb-3 flex justify-center">
            <Button variant="ghost" pending={chat.loadingOlder} onClick={() => void loadOlder()}>
              {chat.olderFailed ? t('chat.olderFailed') : t('chat.older')}
            </Button>
          </div>
        ) : null}
        {!chat.loaded && status !== 'online' ? <p className="text-center text-sm text-ink-muted">{t('states.loading')}</p> : null}
        {chat.loaded && chat.messages.length === 0 && chat.pending.length === 0 ? (
          <p className="px-2 py-6 text-center text-ink-muted">{t('chat.empty')}</p>
        ) : null}
        <ol className="flex flex-col gap-3" aria-label={t('chat.messages')}>
          {chat.messages.map((message) => (
            <MessageBubble
              key={message.id}
              mine={!message.from_staff}
              author={message.from_staff ? t('chat.support') : t('chat.you')}
              text={message.text}
              createdAt={message.created_at}
            />
          ))}
          {chat.pending.map((pending) => (
            <MessageBubble key={pending.ref} mine author={t('chat.you')} text={pending.text}>
              <PendingState pending={pending} online={status === 'online'} />
            </MessageBubble>
          ))}
        </ol>
        {closed ? <p className="mt-3 rounded-xl bg-surface-muted px-3 py-2 text-center text-sm text-ink-muted">{t('chat.closed')}</p> : null}
      </MessageScroller>
      <p role="status" className="min-h-6 px-4 text-sm text-ink-muted">
        {chat.staffTyping ? t('chat.staffTyping') : ''}
      </p>
      {/* Read out as it arrives: the log above is not a live region (a history would be read in full). */}
      <p className="sr-only" aria-live="polite">
        {chat.announcement ? t('chat.newAnswer', { text: chat.announcement }) : ''}
      </p>
      {chat.aboutOrder ? (
        <div className="mx-3 flex items-center justify-between gap-2 rounded-xl bg-accent-soft px-3 py-1 text-sm text-ink">
          <span>{t('chat.aboutOrder', { number: chat.aboutOrder.number })}</span>
          <button type="button" className="min-h-11 rounded-full px-2 font-semibold underline" onClick={forgetOrder}>
            {t('chat.notAboutOrder')}
          </button>
        </div>
      ) : null}
      <Composer onSend={sendMessage} onTyping={typing} initial={readDraft()} onDraft={saveDraft} />
    </>
  );
}

function ConnectionLine({ status }: { status: LiveStatus }) {
  const { t } = useTranslation();
  if (status === 'online') return <p className="text-sm text-success">{t('chat.online')}</p>;
  if (status === 'offline') return <p className="text-sm font-semibold text-danger">{t('chat.offline')}</p>;
  return <p className="text-sm text-ink-muted">{t('chat.connecting')}</p>;
}

function PendingState({ pending, online }: { pending: PendingMessage; online: boolean }) {
  const { t } = useTranslation();
  if (pending.error) {
    return (
      <span className="flex flex-wrap items-center gap-2 text-danger">
        <span>
          {t('chat.notSent')} {pending.error}
        </span>
        <button type="button" className="min-h-11 font-semibold underline" onClick={() => retryMessage(pending.ref)}>
          {t('chat.retry')}
        </button>
        <button type="button" className="min-h-11 font-semibold underline" onClick={() => discardMessage(pending.ref)}>
          {t('chat.discard')}
        </button>
      </span>
    );
  }
  return <span>{online && pending.sentOn !== null ? t('chat.sending') : t('chat.queued')}</span>;
}
