import { beforeEach, describe, expect, it } from 'vitest';
import { forgetOrderKey, keyedOrderId, keyFromFragment, readOrderKey, storeOrderKey } from './order-key';

const KEY = 'Zq3_kP9-xY2mN8vB4cT7wR1sL6dF0hJ5gA3eU9iO2pQ';

describe("a guest's order key", () => {
  beforeEach(() => localStorage.clear());

  it('is kept per order under order-key:{id} and read back', () => {
    storeOrderKey(42, KEY);
    expect(localStorage.getItem('order-key:42')).toBe(KEY);
    expect(readOrderKey(42)).toBe(KEY);
    expect(readOrderKey(43)).toBeNull();
    forgetOrderKey(42);
    expect(readOrderKey(42)).toBeNull();
  });

  it('refuses what is not a key (a tampered link keeps nothing)', () => {
    storeOrderKey(7, 'short');
    storeOrderKey(7, '<script>alert(1)</script>xxxxxxxxxx');
    expect(readOrderKey(7)).toBeNull();
    localStorage.setItem('order-key:8', 'bad key with spaces!!');
    expect(readOrderKey(8)).toBeNull();
  });

  it("comes from the link's fragment", () => {
    expect(keyFromFragment(`#key=${KEY}`)).toBe(KEY);
    expect(keyFromFragment(`key=${KEY}&x=1`)).toBe(KEY);
    expect(keyFromFragment('#other=1')).toBeNull();
    expect(keyFromFragment('')).toBeNull();
  });

  it('goes only with the order reads and actions a key opens', () => {
    expect(keyedOrderId('/orders/12', 'get')).toBe(12);
    expect(keyedOrderId('/orders/12/cancel', 'post')).toBe(12);
    expect(keyedOrderId('/orders/12/payments', 'POST')).toBe(12);
    expect(keyedOrderId('/orders/12', 'patch')).toBeNull();
    expect(keyedOrderId('/orders/12/refunds', 'post')).toBeNull();
    expect(keyedOrderId('/orders', 'get')).toBeNull();
    expect(keyedOrderId('/cart', 'get')).toBeNull();
    expect(keyedOrderId(undefined, 'get')).toBeNull();
  });
});
