import { describe, expect, it } from 'vitest';

import { formatTotal } from './format';

describe('formatTotal', () => {
  it('shows an exact total as it is', () => {
    expect(formatTotal({ total: 1234, total_capped: false }, 'en')).toBe('1,234');
  });

  it('shows a capped total as "10,000+"', () => {
    expect(formatTotal({ total: 10000, total_capped: true }, 'en')).toBe('10,000+');
  });
});
