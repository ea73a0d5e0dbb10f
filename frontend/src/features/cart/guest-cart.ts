/**
 * A guest's cart, kept in this browser (localStorage) until sign-in merges it into the
 * customer's cart on the server. Each line keeps what the customer saw when adding (name,
 * price, picture) so the badge and the cart show at once; the cart page checks current prices.
 */
import { useSyncExternalStore } from 'react';

export type GuestLine = {
  product_id: number;
  quantity: number;
  name: string;
  slug: string;
  price: string;
  currency: string;
  image_url: string | null;
};
export type GuestProduct = Omit<GuestLine, 'quantity'>;

const STORAGE_KEY = 'shop.cart';
/** The API's default CART_MAX_QUANTITY; the merge at sign-in applies the server's own cap. */
export const MAX_QUANTITY = 99;
/** The merge takes at most 100 lines. */
export const MAX_LINES = 100;

const listeners = new Set<() => void>();
let cachedRaw: string | null | undefined;
let cachedLines: GuestLine[] = [];

function isLine(value: unknown): value is GuestLine {
  const line = value as GuestLine;
  return (
    typeof line === 'object' &&
    line !== null &&
    Number.isInteger(line.product_id) &&
    line.product_id > 0 &&
    Number.isInteger(line.quantity) &&
    line.quantity > 0 &&
    typeof line.name === 'string' &&
    typeof line.slug === 'string' &&
    typeof line.price === 'string'
  );
}

function readRaw(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled
  }
}

/** The lines now (the same array while nothing changed, as React's external stores need). */
export function readGuestCart(): GuestLine[] {
  const raw = readRaw();
  if (raw === cachedRaw) return cachedLines;
  cachedRaw = raw;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    cachedLines = Array.isArray(parsed)
      ? parsed.filter(isLine).map((line) => ({ ...line, quantity: Math.min(line.quantity, MAX_QUANTITY) }))
      : [];
  } catch {
    cachedLines = [];
  }
  return cachedLines;
}

function write(lines: GuestLine[]): void {
  try {
    if (lines.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(lines));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage full or disabled: the cart cannot be kept
  }
  for (const listener of listeners) listener();
}

export type GuestAddResult = { quantity: number; capped: boolean; full: boolean };

/** Adds units of a product (to its line when there is one), at most MAX_QUANTITY a line. */
export function addToGuestCart(product: GuestProduct, quantity: number): GuestAddResult {
  const lines = readGuestCart();
  const existing = lines.find((line) => line.product_id === product.product_id);
  if (!existing && lines.length >= MAX_LINES) return { quantity: 0, capped: false, full: true };
  const wanted = (existing?.quantity ?? 0) + quantity;
  const next = Math.min(wanted, MAX_QUANTITY);
  write(
    existing
      ? lines.map((line) => (line.product_id === product.product_id ? { ...line, ...product, quantity: next } : line))
      : [...lines, { ...product, quantity: next }],
  );
  return { quantity: next, capped: wanted > MAX_QUANTITY, full: false };
}

export function setGuestQuantity(productId: number, quantity: number): void {
  const clamped = Math.max(1, Math.min(MAX_QUANTITY, Math.round(quantity)));
  write(readGuestCart().map((line) => (line.product_id === productId ? { ...line, quantity: clamped } : line)));
}

export function removeFromGuestCart(productId: number): void {
  write(readGuestCart().filter((line) => line.product_id !== productId));
}

export function clearGuestCart(): void {
  write([]);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changed the cart (or merged it at sign-in).
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY || event.key === null) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useGuestCart(): GuestLine[] {
  return useSyncExternalStore(subscribe, readGuestCart, () => cachedLines);
}
