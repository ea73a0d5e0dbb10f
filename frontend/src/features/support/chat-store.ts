import { useSyncExternalStore } from 'react';
import type { ChatMessage, Conversation } from '@/lib/api-types';
import { live, nextRef, type ServerFrame } from '@/lib/live-socket';
import { getMessages } from './api/get-messages';
import { findEcho, gapBefore, mergeMessages, messageOf } from './messages';

/** A message written here and not yet confirmed by its echo (matched by `ref`). */
export type PendingMessage = {
  ref: string;
  text: string;
  orderId: number | null;
  /** The newest message id known when it was sent: its echo, if lost, is newer. */
  sentAfter: number;
  /** The connection (live.generation) it was handed to; null while queued for the next one. */
  sentOn: number | null;
  error: string | null;
};

export type ChatState = {
  /** The history frame arrived: the panel knows what there is. */
  loaded: boolean;
  conversation: Conversation | null;
  messages: ChatMessage[];
  pending: PendingMessage[];
  hasMore: boolean;
  loadingOlder: boolean;
  olderFailed: boolean;
  staffTyping: boolean;
  unread: number;
  open: boolean;
  /** "Ask about this order": the next message is about it. */
  aboutOrder: { id: number; number: string } | null;
  /** Something arrived for the screen reader's polite announcement. */
  announcement: string;
};

const STORAGE_KEY = 'shop.chat';
const TYPING_SHOWS_MS = 4000;

function restored(): Pick<ChatState, 'open' | 'unread' | 'aboutOrder'> {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<ChatState>;
    return { open: saved.open === true, unread: Number(saved.unread) || 0, aboutOrder: saved.aboutOrder ?? null };
  } catch {
    return { open: false, unread: 0, aboutOrder: null };
  }
}

const initial = (): ChatState => ({
  loaded: false,
  conversation: null,
  messages: [],
  pending: [],
  hasMore: false,
  loadingOlder: false,
  olderFailed: false,
  staffTyping: false,
  announcement: '',
  ...restored(),
});

let state: ChatState = initial();
const listeners = new Set<() => void>();

function set(patch: Partial<ChatState>): void {
  state = { ...state, ...patch };
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ open: state.open, unread: state.unread, aboutOrder: state.aboutOrder }));
  } catch {
    // storage disabled: the panel's state lasts for this page
  }
  for (const listener of listeners) listener();
}

export function useChat(): ChatState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
    () => state,
  );
}

export function openChat(aboutOrder?: { id: number; number: string }): void {
  set({ open: true, unread: 0, ...(aboutOrder ? { aboutOrder } : {}) });
}

export function closeChat(): void {
  set({ open: false });
}

export function forgetOrder(): void {
  set({ aboutOrder: null });
}

/** Shows the message at once; its echo (same `ref`) confirms it, an error marks it. */
export function sendMessage(text: string): void {
  const ref = nextRef('m');
  const orderId = state.aboutOrder?.id ?? null;
  const sentOn = live.status === 'online' ? live.generation : null;
  lastTypingSent = 0; // what is typed next is news again
  live.send({ type: 'message', text, ref, ...(orderId ? { order_id: orderId } : {}) });
  set({
    pending: [...state.pending, { ref, text, orderId, sentAfter: state.messages.at(-1)?.id ?? 0, sentOn, error: null }],
    aboutOrder: null,
  });
}

/** Sends a message that failed again (a fresh `ref`). */
export function retryMessage(ref: string): void {
  const failed = state.pending.find((p) => p.ref === ref);
  if (!failed) return;
  const aboutOrder = state.aboutOrder;
  state = { ...state, pending: state.pending.filter((p) => p.ref !== ref), aboutOrder: failed.orderId ? { id: failed.orderId, number: '' } : null };
  sendMessage(failed.text);
  set({ aboutOrder });
}

export function discardMessage(ref: string): void {
  live.unqueue((frame) => frame.type === 'message' && frame.ref === ref);
  set({ pending: state.pending.filter((p) => p.ref !== ref) });
}

let lastTypingSent = 0;
export function typing(): void {
  if (Date.now() - lastTypingSent < 2000 || live.status !== 'online') return;
  lastTypingSent = Date.now();
  live.send({ type: 'typing', ...(state.conversation?.status === 'open' ? { conversation_id: state.conversation.id } : {}) });
}

/** The page of messages before the oldest shown (REST), when the list is scrolled up. */
export async function loadOlder(): Promise<void> {
  const conversation = state.conversation;
  const oldest = state.messages[0];
  if (!conversation || !oldest || !state.hasMore || state.loadingOlder) return;
  set({ loadingOlder: true, olderFailed: false });
  try {
    const page = await getMessages(conversation.id, { sort: '-id', id__lte: oldest.id - 1 });
    if (state.conversation?.id !== conversation.id) return;
    set({ messages: mergeMessages(state.messages, [...page.items].reverse()), hasMore: page.total > page.items.length, loadingOlder: false });
  } catch {
    set({ loadingOlder: false, olderFailed: true });
  }
}

/** Messages between two ids (a gap left by a long disconnect), every page of them. */
async function fillGap(conversationId: number, after: number, before: number): Promise<void> {
  for (let page = 1; page < 50; page += 1) {
    const found = await getMessages(conversationId, { sort: 'id', id__gte: after + 1, id__lte: before - 1, page, page_size: 100 }).catch(() => null);
    if (!found || state.conversation?.id !== conversationId) return;
    set({ messages: mergeMessages(state.messages, found.items) });
    if (page >= found.pages) return;
  }
}

function history(frame: Extract<ServerFrame, { type: 'history' }>): void {
  const sameConversation = frame.conversation !== null && frame.conversation.id === state.conversation?.id;
  const messages = sameConversation ? mergeMessages(state.messages, frame.messages) : frame.messages;
  const gap = sameConversation ? gapBefore(state.messages, frame.messages, frame.has_more) : null;
  // Sent on an earlier connection and never echoed: stored (then the history has it) or lost
  // (sent again). What went out on this connection is answered after this frame.
  const pending: PendingMessage[] = [];
  for (const item of state.pending) {
    const earlier = item.sentOn !== null && item.sentOn !== live.generation && !item.error;
    if (earlier && findEcho(item, messages)) continue;
    if (earlier) live.send({ type: 'message', text: item.text, ref: item.ref, ...(item.orderId ? { order_id: item.orderId } : {}) });
    pending.push(earlier ? { ...item, sentOn: live.generation } : item);
  }
  const keepsOlder = sameConversation && (state.messages[0]?.id ?? Infinity) < (frame.messages[0]?.id ?? Infinity);
  set({
    loaded: true,
    conversation: frame.conversation,
    messages,
    pending,
    hasMore: keepsOlder ? state.hasMore : frame.has_more,
  });
  if (gap && frame.conversation) void fillGap(frame.conversation.id, gap.after, gap.before);
}

function receive(frame: ServerFrame): void {
  switch (frame.type) {
    case 'auth_ok':
      // Frames queued while offline went out with the connection.
      if (state.pending.some((p) => p.sentOn === null)) set({ pending: state.pending.map((p) => (p.sentOn === null ? { ...p, sentOn: live.generation } : p)) });
      break;
    case 'history':
      if (frame.ref === undefined) history(frame); // a customer's own (a `join` answer has a ref)
      break;
    case 'message': {
      const message = messageOf(frame);
      const ref = frame.ref;
      const conversationChanged = state.conversation?.id !== message.conversation_id;
      // Counted once, even if the same message comes again (a history and a live frame).
      const fromStaff = message.from_staff && !state.messages.some((known) => known.id === message.id);
      set({
        messages: mergeMessages(conversationChanged ? [] : state.messages, [message]),
        pending: state.pending.filter((p) => p.ref !== ref),
        staffTyping: message.from_staff ? false : state.staffTyping,
        unread: fromStaff && !state.open ? state.unread + 1 : state.unread,
        announcement: fromStaff ? message.text : state.announcement,
      });
      break;
    }
    case 'conversation': {
      const changed = state.conversation?.id !== frame.conversation.id;
      set({
        conversation: frame.conversation,
        ...(changed ? { messages: [], hasMore: false } : {}),
      });
      break;
    }
    case 'typing':
      if (frame.from_staff) {
        set({ staffTyping: true });
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => set({ staffTyping: false }), TYPING_SHOWS_MS);
      }
      break;
    case 'error':
      if (frame.ref && state.pending.some((p) => p.ref === frame.ref)) {
        set({ pending: state.pending.map((p) => (p.ref === frame.ref ? { ...p, error: frame.detail } : p)) });
      }
      break;
    default:
      break;
  }
}

let typingTimer: ReturnType<typeof setTimeout> | undefined;
let detach: (() => void) | null = null;

/** Follows the socket's chat frames (a signed-in customer's tab). */
export function attachChat(): () => void {
  detach?.();
  const off = live.onFrame(receive);
  detach = off;
  return () => {
    off();
    if (detach === off) detach = null;
  };
}

/** Signed out: nothing of this customer's chat stays in the tab. */
export function resetChat(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage disabled
  }
  state = { ...initial(), open: false, unread: 0, aboutOrder: null };
  for (const listener of listeners) listener();
}
