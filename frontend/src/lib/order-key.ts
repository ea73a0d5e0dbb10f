import { getAccessToken } from './api-client';

/**
 * A guest's key to an order (the order link's `#key=…`): kept in this browser per order
 * (localStorage `order-key:{id}`), sent as `X-Order-Key` on that order's requests while no one
 * is signed in. The key is in the fragment so it never reaches a server's access log.
 */
const PREFIX = 'order-key:';
// Storage disabled: the keys live as long as the page.
const memory = new Map<number, string>();
const KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function orderKeyStorageName(orderId: number): string {
  return `${PREFIX}${orderId}`;
}

export function storeOrderKey(orderId: number, key: string): void {
  if (!KEY_PATTERN.test(key)) return;
  memory.set(orderId, key);
  try {
    localStorage.setItem(orderKeyStorageName(orderId), key);
  } catch {
    // kept in memory only
  }
}

export function readOrderKey(orderId: number): string | null {
  try {
    const stored = localStorage.getItem(orderKeyStorageName(orderId));
    if (stored && KEY_PATTERN.test(stored)) return stored;
  } catch {
    // storage disabled
  }
  return memory.get(orderId) ?? null;
}

export function forgetOrderKey(orderId: number): void {
  memory.delete(orderId);
  try {
    localStorage.removeItem(orderKeyStorageName(orderId));
  } catch {
    // nothing kept
  }
}

/** The key in an order link's fragment (`#key=…`), or null. */
export function keyFromFragment(hash: string): string | null {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get('key');
  return key && KEY_PATTERN.test(key) ? key : null;
}

/**
 * The header that opens a guest's order (`X-Order-Key`), for `GET /orders/{id}`, its cancel and
 * its payments: only while no one is signed in (a session opens its own orders) and a key is kept.
 * Sent by those requests themselves, not by every request of the client: the catalog's pages
 * carry none of this code.
 */
export function orderKeyHeaders(orderId: number): Record<string, string> {
  const key = getAccessToken() ? null : readOrderKey(orderId);
  return key ? { 'X-Order-Key': key } : {};
}
