import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setAccessToken } from './api-client';
import { forgetOrderKey, keyFromFragment, orderKeyHeaders, readOrderKey, storeOrderKey } from './order-key';

const KEY = 'Zq3_kP9-xY2mN8vB4cT7wR1sL6dF0hJ5gA3eU9iO2pQ';

describe("a guest's order key", () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => setAccessToken(null));

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

  it("goes as X-Order-Key with that order's requests while no one is signed in", () => {
    storeOrderKey(31, KEY);
    expect(orderKeyHeaders(31)).toEqual({ 'X-Order-Key': KEY });
    expect(orderKeyHeaders(32)).toEqual({});
  });

  it('stays home when a session opens the order', () => {
    storeOrderKey(31, KEY);
    setAccessToken('a-token');
    expect(orderKeyHeaders(31)).toEqual({});
  });
});
