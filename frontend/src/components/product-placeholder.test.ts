import { describe, expect, it } from 'vitest';
import { initials } from './product-placeholder';

describe('initials', () => {
  it('takes the first letter of the first two words, upper-cased', () => {
    expect(initials('Walnut Tamper')).toBe('WT');
    expect(initials('flat white')).toBe('FW');
    expect(initials('Cappuccino')).toBe('C');
  });
  it('skips words that start with no letter or digit', () => {
    expect(initials('Berlin: Zehn Straßen')).toBe('BZ');
    expect(initials('— 02 Filters')).toBe('0F');
    expect(initials('Ästhetik & Kaffee')).toBe('ÄK');
  });
});
