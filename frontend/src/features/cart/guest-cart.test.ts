import { afterEach, describe, expect, it } from 'vitest';
import { changeGuestOptions } from './guest-cart-options';
import { MAX_QUANTITY, addToGuestCart, clearGuestCart, guestLineKey, readGuestCart, removeFromGuestCart, setGuestQuantity } from './guest-cart';

const book = { product_id: 7, name: 'Winter in Lisbon', slug: 'winter-in-lisbon', price: '14.90', currency: 'EUR', image_url: null };
const beans = { product_id: 9, name: 'Kenya Nyeri AA', slug: 'kenya-nyeri-aa', price: '12.50', currency: 'EUR', image_url: null };

afterEach(() => clearGuestCart());

describe('the guest cart in this browser', () => {
  it('adds to the line of a product already there, and keeps it across reads', () => {
    addToGuestCart(book, 2);
    addToGuestCart(beans, 1);
    addToGuestCart(book, 3);
    expect(readGuestCart().map((line) => [line.product_id, line.quantity])).toEqual([
      [7, 5],
      [9, 1],
    ]);
    expect(JSON.parse(localStorage.getItem('shop.cart')!)).toHaveLength(2);
  });

  it('caps a line at the most a cart line may hold and says so', () => {
    addToGuestCart(book, MAX_QUANTITY - 1);
    expect(addToGuestCart(book, 5)).toEqual({ quantity: MAX_QUANTITY, capped: true, full: false });
    setGuestQuantity(guestLineKey(readGuestCart()[0]!), 1000);
    expect(readGuestCart()[0]!.quantity).toBe(MAX_QUANTITY);
    setGuestQuantity(guestLineKey(readGuestCart()[0]!), 0);
    expect(readGuestCart()[0]!.quantity).toBe(1);
  });

  it('returns the same array while nothing changed (React re-renders on a new one)', () => {
    addToGuestCart(book, 1);
    expect(readGuestCart()).toBe(readGuestCart());
    removeFromGuestCart(guestLineKey(readGuestCart()[0]!));
    expect(readGuestCart()).toEqual([]);
    expect(localStorage.getItem('shop.cart')).toBeNull();
  });

  it('ignores what it cannot read (another version, a hand edit)', () => {
    localStorage.setItem('shop.cart', '{"not": "a list"}');
    expect(readGuestCart()).toEqual([]);
    localStorage.setItem('shop.cart', JSON.stringify([{ product_id: -1, quantity: 2 }, { ...book, quantity: 2 }]));
    expect(readGuestCart().map((line) => line.product_id)).toEqual([7]);
  });

  it('keeps a line per configuration: the same options add quantity, other options are their own line', () => {
    const flatWhite = { product_id: 11, name: 'Flat white', slug: 'flat-white', currency: 'EUR', image_url: null };
    const largeOatShot = { ...flatWhite, variant_id: 3, modifier_ids: [22, 21], options: 'Large · Oat, Extra shot', price: '5.40' };
    addToGuestCart(largeOatShot, 1);
    addToGuestCart({ ...largeOatShot, modifier_ids: [21, 22] }, 2); // the same set in another order
    addToGuestCart({ ...flatWhite, variant_id: 3, modifier_ids: [21], options: 'Large · Oat', price: '4.80' }, 1);
    addToGuestCart({ ...flatWhite, variant_id: 1, modifier_ids: [21], options: 'Small · Oat', price: '3.60' }, 1);
    expect(readGuestCart().map((line) => [line.variant_id, line.modifier_ids, line.options, line.quantity])).toEqual([
      [3, [21, 22], 'Large · Oat, Extra shot', 3],
      [3, [21], 'Large · Oat', 1],
      [1, [21], 'Small · Oat', 1],
    ]);
    removeFromGuestCart(guestLineKey({ product_id: 11, variant_id: 3, modifier_ids: [21] }));
    expect(readGuestCart()).toHaveLength(2);
  });

  it("changes a line's options; when they are another line's, the two lines become one", () => {
    const book = { product_id: 5, name: 'Winter in Lisbon', slug: 'winter', currency: 'EUR', image_url: null, modifier_ids: [] };
    addToGuestCart({ ...book, variant_id: 1, variant_name: 'Hardcover', options: 'Hardcover', price: '24.00' }, 2);
    addToGuestCart({ ...book, variant_id: 2, variant_name: 'Paperback', options: 'Paperback', price: '12.00' }, 1);
    const hardcover = guestLineKey({ product_id: 5, variant_id: 1, modifier_ids: [] });
    changeGuestOptions(hardcover, { variant_id: 2, variant_name: 'Paperback', modifier_ids: [], options: 'Paperback', price: '12.00' });
    expect(readGuestCart().map((line) => [line.variant_id, line.variant_name, line.options, line.price, line.quantity])).toEqual([[2, 'Paperback', 'Paperback', '12.00', 3]]);
  });

  it('reads a line kept before variants as the product with its defaults', () => {
    localStorage.setItem('shop.cart', JSON.stringify([{ ...book, quantity: 2 }]));
    expect(readGuestCart()).toEqual([{ ...book, quantity: 2, variant_id: null, variant_name: '', modifier_ids: [], options: '' }]);
    addToGuestCart(book, 1);
    expect(readGuestCart().map((line) => line.quantity)).toEqual([3]);
  });
});
