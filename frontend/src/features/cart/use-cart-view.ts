import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CartAvailability } from '@/lib/api-types';
import { fromCents, toCents } from '@/lib/money';
import { useCartAvailability } from './api/get-cart-availability';
import { CART_QUERY_KEY, useCart } from './api/get-cart';
import { useGuestCartAvailability } from './api/get-guest-cart-availability';
import { useGuestCartProducts } from './api/get-guest-cart-products';
import { useCartOwner } from './cart-owner';
import { guestLineKey, useGuestCart } from './guest-cart';
import { optionsText } from './guest-cart-options';

export type CartViewLine = {
  key: string;
  /** The server's line id (signed in); null for a line kept in this browser. */
  itemId: number | null;
  /** The line's key in this browser's cart (guestLineKey); null for a server line. */
  guestKey: string | null;
  productId: number | null;
  /** The configuration (issue 24): null variant = the product's first. */
  variantId: number | null;
  /** The variant's name ("Large"); "" for a product's only variant or when not known. */
  variantName: string;
  modifierIds: number[];
  /** The options in words ("Large · Oat, Extra shot"), "" for a product without any. */
  options: string;
  name: string;
  slug: string | null;
  imageUrl: string | null;
  unitPrice: string | null;
  lineTotal: string | null;
  quantity: number;
  available: boolean;
  reason: 'inactive' | 'deleted' | 'option_unavailable' | null;
};

export type CartView = {
  owner: 'guest' | 'customer';
  isPending: boolean;
  error: unknown;
  refetch: () => void;
  lines: CartViewLine[];
  total: string;
  currency: string;
  count: number;
  availability: { data: CartAvailability | undefined; isPending: boolean; error: unknown; refetch: () => void };
};

/** Names what a store is short of: the product, and its variant where it has a name ("Flat white — Large"). */
export type LineNamer = (line: { product_id: number; variant_id?: number | null }) => string;

export function lineNamer(lines: CartViewLine[], unknown: string): LineNamer {
  const products = new Map(lines.map((line) => [line.productId, line.name]));
  const variants = new Map(lines.filter((line) => line.variantId !== null && line.variantName).map((line) => [line.variantId, `${line.name} — ${line.variantName}`]));
  return ({ product_id, variant_id }) => (variant_id != null ? variants.get(variant_id) : undefined) ?? (products.get(product_id) || unknown);
}

/** The server's cart names its products in the interface language: read it again after a switch. */
export function useCartInLanguage(): void {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  const shown = useRef(i18n.language);
  useEffect(() => {
    if (shown.current === i18n.language) return;
    shown.current = i18n.language;
    void queryClient.invalidateQueries({ queryKey: CART_QUERY_KEY });
  }, [i18n.language, queryClient]);
}

/** The cart as the page shows it, the same for a guest (this browser) and a customer (the server). */
export function useCartView(): CartView | null {
  useCartInLanguage();
  const owner = useCartOwner();
  const cart = useCart({ enabled: owner === 'customer' });
  const customerAvailability = useCartAvailability({ enabled: owner === 'customer' && (cart.data?.items.length ?? 0) > 0 });

  const guest = useGuestCart();
  const ids = useMemo(() => guest.map((line) => line.product_id).sort((a, b) => a - b), [guest]);
  // Each line's configuration is checked (a line without a variant: the product's first, with the defaults).
  const items = useMemo(
    () => guest.map(({ product_id, quantity, variant_id, modifier_ids }) => (variant_id === null ? { product_id, quantity } : { product_id, quantity, variant_id, modifier_ids })),
    [guest],
  );
  const products = useGuestCartProducts(ids, { enabled: owner === 'guest' });
  const guestAvailability = useGuestCartAvailability(items, { enabled: owner === 'guest' });

  return useMemo((): CartView | null => {
    if (owner === 'unknown') return null;
    if (owner === 'customer') {
      const data = cart.data;
      return {
        owner,
        isPending: cart.isPending,
        error: cart.error,
        refetch: () => void cart.refetch(),
        lines: (data?.items ?? []).map((line) => ({
          key: `item-${line.id}`,
          itemId: line.id,
          guestKey: null,
          productId: line.product_id,
          variantId: line.variant_id,
          variantName: line.variant?.name ?? '',
          modifierIds: line.modifier_ids,
          options: optionsText(line.variant?.name, line.modifiers.map((modifier) => modifier.name)),
          name: line.product?.name ?? '',
          slug: line.product?.slug ?? null,
          imageUrl: line.product?.image_url ?? null,
          unitPrice: line.unit_price,
          lineTotal: line.line_total,
          quantity: line.quantity,
          available: line.available,
          reason: line.unavailable_reason ?? null,
        })),
        total: data?.total ?? '0.00',
        currency: data?.currency ?? 'EUR',
        count: data?.item_count ?? 0,
        availability: {
          data: customerAvailability.data,
          isPending: customerAvailability.isPending,
          error: customerAvailability.error,
          refetch: () => void customerAvailability.refetch(),
        },
      };
    }
    const current = new Map((products.data ?? []).map((product) => [product.id, product]));
    const reasons = new Map((guestAvailability.data?.unavailable ?? []).map((line) => [line.product_id, line.reason]));
    const known = Boolean(products.data) || ids.length === 0;
    const lines: CartViewLine[] = guest.map((line) => {
      const product = current.get(line.product_id);
      // Until the current prices are in, the line shows what the customer saw when adding it.
      const available = !known || Boolean(product);
      // A list's price is the lowest variant's: a configured line keeps the price it was added at
      // (the server prices it again at checkout and in the cart after sign-in).
      const configured = line.variant_id !== null || line.modifier_ids.length > 0;
      const unitPrice = configured ? (available ? line.price : null) : (product?.price ?? (known ? null : line.price));
      const key = guestLineKey(line);
      return {
        key: `guest-${key}`,
        itemId: null,
        guestKey: key,
        productId: line.product_id,
        variantId: line.variant_id,
        variantName: line.variant_name,
        modifierIds: line.modifier_ids,
        options: line.options,
        name: product?.name ?? line.name,
        slug: product?.slug ?? line.slug,
        imageUrl: product?.images[0]?.url ?? line.image_url,
        unitPrice,
        lineTotal: unitPrice === null ? null : fromCents(toCents(unitPrice) * line.quantity),
        quantity: line.quantity,
        available,
        reason: available ? null : (reasons.get(line.product_id) ?? 'inactive'),
      };
    });
    const orderable = lines.filter((line) => line.available);
    return {
      owner,
      isPending: false,
      error: products.error,
      refetch: () => void products.refetch(),
      lines,
      total: fromCents(orderable.reduce((sum, line) => sum + toCents(line.lineTotal ?? 0), 0)),
      currency: products.data?.[0]?.currency ?? guest[0]?.currency ?? 'EUR',
      count: orderable.reduce((sum, line) => sum + line.quantity, 0),
      availability: {
        data: guestAvailability.data,
        isPending: guestAvailability.isPending,
        error: guestAvailability.error,
        refetch: () => void guestAvailability.refetch(),
      },
    };
  }, [owner, cart, customerAvailability, guest, ids, products, guestAvailability]);
}
