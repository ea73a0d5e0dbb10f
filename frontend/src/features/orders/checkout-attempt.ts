/**
 * One Idempotency-Key per checkout attempt. The same order (same store, same way to pay) sent
 * again — a double click, a retry after a lost answer, even after a reload — carries the same
 * key, so the server answers the order it already made instead of making a second one. Another
 * choice is another attempt with a new key (the server refuses a key reused for another body).
 * Kept in sessionStorage: per tab, forgotten when the tab closes.
 */
const STORAGE_KEY = 'shop.checkout-attempt';

type Attempt = { key: string; body: string };
let memory: Attempt | null = null;

function read(): Attempt | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Attempt | null;
    return parsed && typeof parsed.key === 'string' && typeof parsed.body === 'string' ? parsed : memory;
  } catch {
    return memory;
  }
}

function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The key for this order: the attempt's own while the order is the same, else a new attempt's. */
export function idempotencyKeyFor(body: object): string {
  const serialized = JSON.stringify(body);
  const current = read();
  if (current?.body === serialized) return current.key;
  const attempt = { key: newKey(), body: serialized };
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(attempt));
  } catch {
    // storage disabled: the key lives as long as this page (still one per attempt)
    memory = attempt;
  }
  return attempt.key;
}

/** The order is placed: the next checkout is a new attempt. */
export function finishAttempt(): void {
  memory = null;
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}
