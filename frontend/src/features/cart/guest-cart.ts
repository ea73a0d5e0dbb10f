/**
 * A guest's cart, kept in this browser (localStorage) until sign-in merges it into the
 * customer's cart on the server. Each line keeps what the customer saw when adding (name,
 * price, picture, options) so the badge and the cart show at once; the cart page checks
 * current prices. A line is a configuration (issue 24): the product, its variant and its set
 * of modifiers; the same configuration adds quantity, a different one is its own line.
 */
import { useSyncExternalStore } from 'react';

export type GuestLine = {
  product_id: number;
  /** The chosen variant; null: the product's first (a card's "Add to cart", or a line kept before variants). */
  variant_id: number | null;
  /** The chosen modifiers, sorted; [] with variant_id null: the server takes the defaults. */
  modifier_ids: number[];
  /** The chosen variant's name as the customer saw it ("Large"), "" for none. */
  variant_name: string;
  /** The options as the customer saw them ("Large · Oat, Extra shot"), "" for none. */
  options: string;
  quantity: number;
  name: string;
  slug: string;
  price: string;
  currency: string;
  image_url: string | null;
};
export type GuestProduct = Omit<GuestLine, 'quantity' | 'variant_id' | 'variant_name' | 'modifier_ids' | 'options'> &
  Partial<Pick<GuestLine, 'variant_id' | 'variant_name' | 'modifier_ids' | 'options'>>;

/** A line's identity: the product, the variant and the sorted set of modifiers. */
export function guestLineKey(line: Pick<GuestLine, 'product_id' | 'variant_id' | 'modifier_ids'>): string {
  return `${line.product_id}:${line.variant_id ?? ''}:${[...new Set(line.modifier_ids)].sort((a, b) => a - b).join(',')}`;
}

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
    typeof line.price === 'string' &&
    (line.variant_id === undefined || line.variant_id === null || (Number.isInteger(line.variant_id) && line.variant_id > 0)) &&
    (line.modifier_ids === undefined || (Array.isArray(line.modifier_ids) && line.modifier_ids.every((id) => Number.isInteger(id) && id > 0)))
  );
}

/** A line as kept before variants (no options) reads as the product's first variant with the defaults. */
export function normalizeGuestLine(line: GuestLine): GuestLine {
  return {
    ...line,
    variant_id: line.variant_id ?? null,
    modifier_ids: [...new Set(line.modifier_ids ?? [])].sort((a, b) => a - b),
    variant_name: typeof line.variant_name === 'string' ? line.variant_name : '',
    options: typeof line.options === 'string' ? line.options : '',
    quantity: Math.min(line.quantity, MAX_QUANTITY),
  };
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
      ? parsed.filter(isLine).map(normalizeGuestLine)
      : [];
  } catch {
    cachedLines = [];
  }
  return cachedLines;
}

/** Keeps these lines as the cart (guest-cart-options.ts changes a line's options through it). */
export function writeGuestCart(lines: GuestLine[]): void {
  try {
    if (lines.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(lines));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage full or disabled: the cart cannot be kept
  }
  for (const listener of listeners) listener();
}

export type GuestAddResult = { quantity: number; capped: boolean; full: boolean };

/** Adds units of a configuration (to its line when there is one), at most MAX_QUANTITY a line. */
export function addToGuestCart(product: GuestProduct, quantity: number): GuestAddResult {
  const lines = readGuestCart();
  const added = normalizeGuestLine({ ...product, quantity: 1 } as GuestLine);
  const key = guestLineKey(added);
  const existing = lines.find((line) => guestLineKey(line) === key);
  if (!existing && lines.length >= MAX_LINES) return { quantity: 0, capped: false, full: true };
  const wanted = (existing?.quantity ?? 0) + quantity;
  const next = Math.min(wanted, MAX_QUANTITY);
  writeGuestCart(existing ? lines.map((line) => (line === existing ? { ...added, quantity: next } : line)) : [...lines, { ...added, quantity: next }]);
  return { quantity: next, capped: wanted > MAX_QUANTITY, full: false };
}

/** Sets the quantity of the line with this key (guestLineKey). */
export function setGuestQuantity(key: string, quantity: number): void {
  const clamped = Math.max(1, Math.min(MAX_QUANTITY, Math.round(quantity)));
  writeGuestCart(readGuestCart().map((line) => (guestLineKey(line) === key ? { ...line, quantity: clamped } : line)));
}

/** Takes out the line with this key (guestLineKey). */
export function removeFromGuestCart(key: string): void {
  writeGuestCart(readGuestCart().filter((line) => guestLineKey(line) !== key));
}

export function clearGuestCart(): void {
  writeGuestCart([]);
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
