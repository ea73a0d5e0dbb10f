import { describe, expect, it } from 'vitest';
import { lineLabel, lineModifiers, lineModifiersPriced, lineTitle, type ConfiguredLine } from './line-options';

const largeOat: ConfiguredLine = {
  product_name: 'Flat white',
  variant_name: 'Large',
  modifiers: [
    { group: 'Milk', name: 'Oat', price_delta: '0.40' },
    { group: 'Extras', name: 'Extra shot', price_delta: '0.60' },
  ],
};
const cake: ConfiguredLine = { product_name: 'Cheesecake', variant_name: '', modifiers: [] };

describe('an order line as the counter and the customer read it', () => {
  it('names the variant after the product, and a single-variant product alone', () => {
    expect(lineTitle(largeOat)).toBe('Flat white — Large');
    expect(lineTitle(cake)).toBe('Cheesecake');
  });

  it('lists the modifiers as bought, in the product page’s order', () => {
    expect(lineModifiers(largeOat)).toBe('Oat · Extra shot');
    expect(lineModifiers(cake)).toBe('');
  });

  it('tells two sizes apart in one phrase (the refund dialog’s lines)', () => {
    expect(lineLabel(largeOat)).toBe('Flat white — Large, Oat · Extra shot');
    expect(lineLabel({ ...largeOat, variant_name: 'Small', modifiers: [] })).toBe('Flat white — Small');
    expect(lineLabel(cake)).toBe('Cheesecake');
  });

  it('says what each modifier added, in the reader’s language; a free one by its name', () => {
    const withDairy = { ...largeOat, modifiers: [{ group: 'Milk', name: 'Dairy', price_delta: '0.00' }, ...largeOat.modifiers.slice(1)] };
    expect(lineModifiersPriced(withDairy, 'EUR', 'en')).toBe('Dairy · Extra shot +€0.60');
    expect(lineModifiersPriced(largeOat, 'EUR', 'ru').replace(/\s/g, ' ')).toBe('Oat +0,40 € · Extra shot +0,60 €');
    const noCup = { ...cake, modifiers: [{ group: 'Cup', name: 'Own cup', price_delta: '-0.20' }] };
    expect(lineModifiersPriced(noCup, 'EUR', 'en')).toBe('Own cup −€0.20');
  });
});
