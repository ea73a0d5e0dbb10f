import { useSyncExternalStore } from 'react';
import type { ChatMessage, Conversation } from '@/lib/api-types';
import { live, nextRef, type ServerFrame } from '@/lib/live-socket';
import { getMessages } from './api/get-messages';
import { mergeMessages, messageOf } from './messages';

/** A conversation open in the console: joined over the socket, its messages and who types. */
export type Pane = {
  id: number;
  conversation: Conversation | null;
  messages: ChatMessage[];
  hasMore: boolean;
  loadingOlder: boolean;
  /** The ref of the `join` not yet answered by its history. */
  joining: string | null;
  joinError: string | null;
  pending: { ref: string; text: string; error: string | null }[];
  /** `userId` null: the guest of a guest's conversation. */
  typing: { userId: number | null; fromStaff: boolean } | null;
  closing: boolean;
};

export type ConsoleState = {
  panes: Pane[];
  /** Customer messages in conversations not open here, counted until one is opened. */
  unread: Record<number, number>;
  /** Bumped by anything that changes the list (a new conversation, a message, a close). */
  listVersion: number;
};

// Side by side on a wide screen; opening one more closes the oldest.
export const MAX_PANES = 3;
const TYPING_SHOWS_MS = 4000;
const typingTimers = new Map<number, ReturnType<typeof setTimeout>>();

let state: ConsoleState = { panes: [], unread: {}, listVersion: 0 };
const listeners = new Set<() => void>();

function set(next: ConsoleState): void {
  state = next;
  for (const listener of listeners) listener();
}

function updatePane(id: number, change: (pane: Pane) => Partial<Pane>): void {
  if (!state.panes.some((pane) => pane.id === id)) return;
  set({ ...state, panes: state.panes.map((pane) => (pane.id === id ? { ...pane, ...change(pane) } : pane)) });
}

export function useConsole(): ConsoleState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
    () => state,
  );
}

function join(id: number): string {
  const ref = nextRef('j');
  live.send({ type: 'join', conversation_id: id, ref });
  return ref;
}

/** Opens (joins) a conversation beside the others; the list item may give it at once. */
export function openPane(id: number, conversation: Conversation | null = null): void {
  const unread = { ...state.unread };
  delete unread[id];
  if (state.panes.some((pane) => pane.id === id)) {
    set({ ...state, unread });
    return;
  }
  const pane: Pane = {
    id,
    conversation,
    messages: [],
    hasMore: false,
    loadingOlder: false,
    joining: join(id),
    joinError: null,
    pending: [],
    typing: null,
    closing: false,
  };
  const kept = state.panes.slice(-(MAX_PANES - 1));
  for (const dropped of state.panes.slice(0, state.panes.length - kept.length)) live.send({ type: 'leave', conversation_id: dropped.id });
  set({ ...state, panes: [...kept, pane], unread });
}

export function closePane(id: number): void {
  live.send({ type: 'leave', conversation_id: id });
  set({ ...state, panes: state.panes.filter((pane) => pane.id !== id) });
}

export function answer(id: number, text: string): void {
  const ref = nextRef('a');
  lastTyping.delete(id); // what is typed next is news again
  live.send({ type: 'message', conversation_id: id, text, ref });
  updatePane(id, (pane) => ({ pending: [...pane.pending, { ref, text, error: null }] }));
}

export function closeConversation(id: number): void {
  live.send({ type: 'close', conversation_id: id, ref: nextRef('c') });
  updatePane(id, () => ({ closing: true }));
}

const lastTyping = new Map<number, number>();
export function staffTyping(id: number): void {
  if (Date.now() - (lastTyping.get(id) ?? 0) < 2000 || live.status !== 'online') return;
  lastTyping.set(id, Date.now());
  live.send({ type: 'typing', conversation_id: id });
}

export async function loadOlderIn(id: number): Promise<void> {
  const pane = state.panes.find((p) => p.id === id);
  const oldest = pane?.messages[0];
  if (!pane || !oldest || !pane.hasMore || pane.loadingOlder) return;
  updatePane(id, () => ({ loadingOlder: true }));
  try {
    const page = await getMessages(id, { sort: '-id', id__lte: oldest.id - 1 });
    updatePane(id, (current) => ({ messages: mergeMessages(current.messages, [...page.items].reverse()), hasMore: page.total > page.items.length, loadingOlder: false }));
  } catch {
    updatePane(id, () => ({ loadingOlder: false }));
  }
}

function receive(frame: ServerFrame): void {
  switch (frame.type) {
    case 'auth_ok':
      // A new connection follows nothing yet: join again what is open (the history fills the gap).
      set({ ...state, panes: state.panes.map((pane) => ({ ...pane, joining: join(pane.id), closing: false })), listVersion: state.listVersion + 1 });
      break;
    case 'history': {
      const pane = state.panes.find((p) => p.joining === frame.ref);
      if (!pane || !frame.conversation) break;
      const keepsOlder = (pane.messages[0]?.id ?? Infinity) < (frame.messages[0]?.id ?? Infinity);
      updatePane(pane.id, (current) => ({
        conversation: frame.conversation,
        messages: mergeMessages(current.messages, frame.messages),
        hasMore: keepsOlder ? current.hasMore : frame.has_more,
        joining: null,
        joinError: null,
      }));
      break;
    }
    case 'message': {
      const message = messageOf(frame);
      const ref = frame.ref;
      const open = state.panes.some((pane) => pane.id === message.conversation_id);
      if (open) {
        updatePane(message.conversation_id, (pane) => ({
          messages: mergeMessages(pane.messages, [message]),
          pending: pane.pending.filter((p) => p.ref !== ref),
          typing: pane.typing && pane.typing.fromStaff === message.from_staff ? null : pane.typing,
        }));
      }
      const unread = !open && !message.from_staff ? { ...state.unread, [message.conversation_id]: (state.unread[message.conversation_id] ?? 0) + 1 } : state.unread;
      set({ ...state, unread, listVersion: state.listVersion + 1 });
      break;
    }
    case 'conversation':
      updatePane(frame.conversation.id, () => ({ conversation: frame.conversation, closing: false }));
      set({ ...state, listVersion: state.listVersion + 1 });
      break;
    case 'typing': {
      const id = frame.conversation_id;
      const typing = { userId: frame.user_id, fromStaff: frame.from_staff };
      updatePane(id, () => ({ typing }));
      clearTimeout(typingTimers.get(id));
      typingTimers.set(id, setTimeout(() => updatePane(id, (pane) => (pane.typing === typing ? { typing: null } : {})), TYPING_SHOWS_MS));
      break;
    }
    case 'error': {
      const ref = frame.ref;
      if (!ref) break;
      for (const pane of state.panes) {
        if (pane.joining === ref) updatePane(pane.id, () => ({ joining: null, joinError: frame.detail }));
        if (pane.pending.some((p) => p.ref === ref)) {
          updatePane(pane.id, (current) => ({ pending: current.pending.map((p) => (p.ref === ref ? { ...p, error: frame.detail } : p)) }));
        }
        if (pane.closing && ref.startsWith('c')) updatePane(pane.id, () => ({ closing: false, joinError: frame.detail }));
      }
      break;
    }
    default:
      break;
  }
}

/** Follows the socket's chat frames while the console is shown. */
export function attachConsole(): () => void {
  const off = live.onFrame(receive);
  return () => {
    off();
    for (const pane of state.panes) live.send({ type: 'leave', conversation_id: pane.id });
    set({ panes: [], unread: {}, listVersion: 0 });
  };
}
