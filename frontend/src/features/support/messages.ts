import type { ChatMessage } from '@/lib/api-types';
import type { FrameOf } from '@/lib/live-socket';

/** The message a `message` frame carries, without the frame's own fields. */
export function messageOf(frame: FrameOf<'message'>): ChatMessage {
  const { id, conversation_id, author_id, from_staff, text, created_at } = frame;
  return { id, conversation_id, author_id, from_staff, text, created_at };
}

/** Messages in id order, each once: what a history frame, a live frame or a page of older ones adds. */
export function mergeMessages(existing: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return existing as ChatMessage[];
  const byId = new Map<number, ChatMessage>();
  for (const message of existing) byId.set(message.id, message);
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * After a reconnect the history frame holds the last messages only: when the newest one we
 * had is older than its oldest and it says there is more, the messages between are missing.
 */
export function gapBefore(existing: readonly ChatMessage[], history: readonly ChatMessage[], hasMore: boolean): { after: number; before: number } | null {
  const newestKnown = existing.at(-1)?.id;
  const oldestNew = history[0]?.id;
  if (!hasMore || newestKnown === undefined || oldestNew === undefined || newestKnown >= oldestNew) return null;
  return { after: newestKnown, before: oldestNew };
}

/** A message a customer sent whose echo never came (the socket dropped): is it in what the server has? */
export function findEcho(pending: { text: string; sentAfter: number }, messages: readonly ChatMessage[]): ChatMessage | undefined {
  return messages.find((message) => !message.from_staff && message.id > pending.sentAfter && message.text === pending.text);
}
