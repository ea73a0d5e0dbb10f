import type { OrderDetail } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';

/** What an order line says of its configuration: its product, variant and modifiers as bought. */
export type ConfiguredLine = Pick<OrderDetail['items'][number], 'product_name' | 'variant_name' | 'modifiers'>;

/** "Flat White — Large"; a product's only variant (no name) is the product alone. */
export function lineTitle(line: ConfiguredLine): string {
  return line.variant_name ? `${line.product_name} — ${line.variant_name}` : line.product_name;
}

/** The modifiers as the counter reads them: "Oat · Extra shot" (empty when there are none). */
export function lineModifiers(line: ConfiguredLine): string {
  return line.modifiers.map((modifier) => modifier.name).join(' · ');
}

/** The modifiers with what each added to the price, as the customer reads them: "Oat +€0.40 · Extra shot +€0.60". */
export function lineModifiersPriced(line: ConfiguredLine, currency: string, locale: string): string {
  return line.modifiers
    .map((modifier) => {
      const delta = Number(modifier.price_delta);
      if (delta === 0) return modifier.name;
      return `${modifier.name} ${delta > 0 ? '+' : '−'}${formatPrice(Math.abs(delta), currency, locale)}`;
    })
    .join(' · ');
}

/** One line in a phrase or a list's option: "Flat White — Large, Oat · Extra shot" (two sizes told apart). */
export function lineLabel(line: ConfiguredLine): string {
  const modifiers = lineModifiers(line);
  return modifiers ? `${lineTitle(line)}, ${modifiers}` : lineTitle(line);
}
