import { afterEach, describe, expect, it } from 'vitest';
import { MAX_QUANTITY, addToGuestCart, clearGuestCart, readGuestCart, removeFromGuestCart, setGuestQuantity } from './guest-cart';

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
    setGuestQuantity(7, 1000);
    expect(readGuestCart()[0]!.quantity).toBe(MAX_QUANTITY);
    setGuestQuantity(7, 0);
    expect(readGuestCart()[0]!.quantity).toBe(1);
  });

  it('returns the same array while nothing changed (React re-renders on a new one)', () => {
    addToGuestCart(book, 1);
    expect(readGuestCart()).toBe(readGuestCart());
    removeFromGuestCart(7);
    expect(readGuestCart()).toEqual([]);
    expect(localStorage.getItem('shop.cart')).toBeNull();
  });

  it('ignores what it cannot read (another version, a hand edit)', () => {
    localStorage.setItem('shop.cart', '{"not": "a list"}');
    expect(readGuestCart()).toEqual([]);
    localStorage.setItem('shop.cart', JSON.stringify([{ product_id: -1, quantity: 2 }, { ...book, quantity: 2 }]));
    expect(readGuestCart().map((line) => line.product_id)).toEqual([7]);
  });
});
