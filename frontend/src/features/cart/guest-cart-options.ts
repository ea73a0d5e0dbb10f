/** Changing a guest line's options (the cart page's "Change"), apart from the cart kept in the entry. */
import { MAX_QUANTITY, guestLineKey, normalizeGuestLine, readGuestCart, writeGuestCart, type GuestLine } from './guest-cart';

/** A line's options in words: "Large · Oat, Extra shot" (the variant's name is empty for an only variant). */
export function optionsText(variantName: string | null | undefined, modifierNames: readonly string[]): string {
  return [variantName ?? '', modifierNames.join(', ')].filter(Boolean).join(' · ');
}

/**
 * Changes a line's options (and price seen): when the new configuration is another line's,
 * the two become one (quantities added, capped), as the server's cart does.
 */
export function changeGuestOptions(key: string, next: Pick<GuestLine, 'variant_id' | 'variant_name' | 'modifier_ids' | 'options' | 'price'>): void {
  const lines = readGuestCart();
  const line = lines.find((candidate) => guestLineKey(candidate) === key);
  if (!line) return;
  const changed = normalizeGuestLine({ ...line, ...next });
  const target = lines.find((candidate) => candidate !== line && guestLineKey(candidate) === guestLineKey(changed));
  writeGuestCart(
    target
      ? lines.filter((candidate) => candidate !== line).map((candidate) => (candidate === target ? { ...changed, quantity: Math.min(MAX_QUANTITY, target.quantity + line.quantity) } : candidate))
      : lines.map((candidate) => (candidate === line ? changed : candidate)),
  );
}

