import { beforeEach, describe, expect, it } from 'vitest';
import { forgetReturnTo, peekReturnTo, rememberReturnTo, withNext } from './return-to';

describe('return-to', () => {
  beforeEach(() => localStorage.clear());
  it('gives back the remembered path until it is forgotten', () => {
    rememberReturnTo('/checkout');
    expect(peekReturnTo()).toBe('/checkout');
    forgetReturnTo();
    expect(peekReturnTo()).toBeNull();
  });
  it('never returns to another site', () => {
    rememberReturnTo('https://evil.example/phish');
    expect(peekReturnTo()).toBe('/');
  });
  it('keeps next in links', () => {
    expect(withNext('/login', '/checkout')).toBe('/login?next=%2Fcheckout');
    expect(withNext('/login', null)).toBe('/login');
  });
});
