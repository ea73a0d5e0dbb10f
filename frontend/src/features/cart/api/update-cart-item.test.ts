import { describe, expect, it } from 'vitest';
import type { Cart } from '@/lib/api-types';
import { withQuantity } from './update-cart-item';

const line = (id: number, unit: string | null, quantity: number, available = true) => ({
  id,
  product_id: id,
  product: null,
  variant_id: id,
  variant: null,
  modifier_ids: [],
  modifiers: [],
  quantity,
  unit_price: unit,
  line_total: unit === null ? null : (Number(unit) * quantity).toFixed(2),
  available,
  unavailable_reason: available ? null : ('inactive' as const),
});
const cart: Cart = { items: [line(1, '14.90', 2), line(2, '0.10', 3), line(3, null, 4, false)], item_count: 5, total: '30.10', currency: 'EUR' };

describe('the cart as it shows while a change is on its way (optimistic)', () => {
  it('changes a line and the totals in whole cents, leaving unorderable lines out', () => {
    const changed = withQuantity(cart, 2, 7);
    expect(changed.items.find((item) => item.id === 2)).toMatchObject({ quantity: 7, line_total: '0.70' });
    expect(changed).toMatchObject({ item_count: 9, total: '30.50' });
    expect(cart.items[1]!.quantity).toBe(3); // the cached cart itself stays as it was, for a rollback
  });

  it('takes a line out', () => {
    expect(withQuantity(cart, 1, null)).toMatchObject({ item_count: 3, total: '0.30' });
    expect(withQuantity(cart, 3, null).items).toHaveLength(2);
  });
});
