import { useSyncExternalStore } from 'react';

/** A short message shown over every page (e.g. "Added to your cart"), with an optional link. */
export type Notice = {
  id: number;
  tone: 'info' | 'success' | 'error';
  text: string;
  details?: string[];
  action?: { label: string; to: string };
};

const AUTO_DISMISS_MS = 6000;
let notices: Notice[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

/**
 * Shows a notice. Brief confirmations go away by themselves; anything with details (what
 * changed in the cart) or an error stays until dismissed, so nobody has to read it in a hurry.
 */
export function notify(notice: Omit<Notice, 'id'> & { sticky?: boolean }): number {
  const { sticky = notice.tone === 'error' || Boolean(notice.details?.length), ...rest } = notice;
  const id = nextId++;
  // One at a time per text: adding the same product twice shows one notice, not a pile.
  notices = [...notices.filter((n) => n.text !== rest.text), { ...rest, id }].slice(-3);
  emit();
  if (!sticky) setTimeout(() => dismiss(id), AUTO_DISMISS_MS);
  return id;
}

export function dismiss(id: number): void {
  if (!notices.some((n) => n.id === id)) return;
  notices = notices.filter((n) => n.id !== id);
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useNotices(): Notice[] {
  return useSyncExternalStore(subscribe, () => notices, () => notices);
}
