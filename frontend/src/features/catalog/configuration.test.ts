import { describe, expect, it } from 'vitest';
import { type Choice, choiceOf, choiceProblems, groupFull, initialChoice, outAtStore, toggleModifier, unitPrice, type ProductOptions } from './configuration';

const DOCK_STREET = 2;
const flatWhite: ProductOptions = {
  price: '3.20',
  variants: [
    { id: 1, sku: 'FW-S', name: 'Small', price: '3.20', attributes: {} },
    { id: 2, sku: 'FW-M', name: 'Medium', price: '3.80', attributes: {} },
    { id: 3, sku: 'FW-L', name: 'Large', price: '4.40', attributes: {} },
  ],
  modifier_groups: [
    {
      id: 10,
      name: 'Milk',
      kind: 'single',
      required: true,
      min_choices: 1,
      max_choices: 1,
      default_modifier_id: 11,
      modifiers: [
        { id: 11, name: 'Dairy', price_delta: '0.00', unavailable_store_ids: [] },
        { id: 12, name: 'Oat', price_delta: '0.40', unavailable_store_ids: [DOCK_STREET] },
        { id: 13, name: 'Soy', price_delta: '0.40', unavailable_store_ids: [] },
      ],
    },
    {
      id: 20,
      name: 'Extras',
      kind: 'multiple',
      required: false,
      min_choices: 0,
      max_choices: 2,
      default_modifier_id: null,
      modifiers: [
        { id: 21, name: 'Extra shot', price_delta: '0.60', unavailable_store_ids: [] },
        { id: 22, name: 'Vanilla syrup', price_delta: '0.50', unavailable_store_ids: [] },
        { id: 23, name: 'No cup', price_delta: '-0.10', unavailable_store_ids: [] },
      ],
    },
  ],
};

describe('choosing a drink on the product page', () => {
  it('opens on the first size with the milk preset, at its price', () => {
    const choice = initialChoice(flatWhite);
    expect(choice).toEqual({ variantId: 1, modifierIds: [11] });
    expect(unitPrice(flatWhite, choice)).toBe('3.20');
    expect(choiceProblems(flatWhite, choice)).toEqual([]);
  });

  it('prices a large oat with an extra shot as variant price plus the changes, in whole cents', () => {
    let choice: Choice = { ...initialChoice(flatWhite), variantId: 3 };
    choice = toggleModifier(flatWhite, choice, 12); // oat replaces dairy: one milk
    choice = toggleModifier(flatWhite, choice, 21);
    expect(choice.modifierIds).toEqual([12, 21]);
    expect(unitPrice(flatWhite, choice)).toBe('5.40');
    expect(unitPrice(flatWhite, toggleModifier(flatWhite, choice, 23))).toBe('5.30');
  });

  it('keeps a required single choice chosen and a multiple group within its limits', () => {
    const choice = initialChoice(flatWhite);
    expect(toggleModifier(flatWhite, choice, 11).modifierIds).toEqual([11]); // tapping dairy again keeps it
    const two = toggleModifier(flatWhite, toggleModifier(flatWhite, choice, 21), 22);
    expect(groupFull(flatWhite.modifier_groups[1]!, two)).toBe(true);
    const three = toggleModifier(flatWhite, two, 23);
    expect(choiceProblems(flatWhite, three)).toEqual([{ groupId: 20, group: 'Extras', kind: 'most', count: 2 }]);
    expect(choiceProblems(flatWhite, { variantId: 1, modifierIds: [] })).toEqual([{ groupId: 10, group: 'Milk', kind: 'least', count: 1 }]);
    expect(toggleModifier(flatWhite, two, 21).modifierIds).toEqual([11, 22]); // unticking frees a place
  });

  it('names what is out at a store among the chosen options', () => {
    const oat = toggleModifier(flatWhite, initialChoice(flatWhite), 12);
    expect(outAtStore(flatWhite, oat, DOCK_STREET)).toEqual(['Oat']);
    expect(outAtStore(flatWhite, oat, 1)).toEqual([]);
  });

  it('takes a cart line back as it was chosen, and falls back to the defaults for what is gone', () => {
    expect(choiceOf(flatWhite, 3, [12, 21])).toEqual({ variantId: 3, modifierIds: [12, 21] });
    expect(choiceOf(flatWhite, 99, [12, 404])).toEqual({ variantId: 1, modifierIds: [12] });
    expect(choiceOf(flatWhite, null, undefined)).toEqual({ variantId: 1, modifierIds: [11] });
  });
});
