/**
 * What a customer chooses for a product (issue 24): a variant ("Large", "Paperback") and
 * modifiers ("Oat", "Extra shot"). The same rules as the server's (app/catalog/configurations.py)
 * so the page can say at once what does not fit and show the price; the server checks and
 * prices every line again, the price shown here is never sent.
 */
import type { Product } from '@/lib/api-types';
import { fromCents, toCents } from '@/lib/money';

export type ProductOptions = Pick<Product, 'price' | 'variants' | 'modifier_groups'>;
export type ModifierGroup = Product['modifier_groups'][number];
export type Modifier = ModifierGroup['modifiers'][number];
export type Variant = Product['variants'][number];

/** A configuration: the chosen variant (null: the product has none for sale) and modifier ids. */
export type Choice = { variantId: number | null; modifierIds: number[] };

/** The problem of one group, for its message: fewer than `least` or more than `most` chosen. */
export type GroupProblem = { groupId: number; group: string; kind: 'least' | 'most'; count: number };

/** The configuration a page opens with: the first variant, each single group's default (a
 * required single group without a default: its first modifier, so "Add" works at once). */
export function initialChoice(product: ProductOptions): Choice {
  const modifierIds: number[] = [];
  for (const group of product.modifier_groups) {
    if (group.kind !== 'single') continue;
    const preset = group.modifiers.find((modifier) => modifier.id === group.default_modifier_id) ?? (group.required ? group.modifiers[0] : undefined);
    if (preset) modifierIds.push(preset.id);
  }
  return { variantId: product.variants[0]?.id ?? null, modifierIds: normalize(modifierIds) };
}

/** A choice taken back from a cart line: its variant and modifiers when still for sale, else the page's defaults. */
export function choiceOf(product: ProductOptions, variantId: number | null | undefined, modifierIds: readonly number[] | undefined): Choice {
  const initial = initialChoice(product);
  const known = new Set(product.modifier_groups.flatMap((group) => group.modifiers.map((modifier) => modifier.id)));
  const kept = (modifierIds ?? []).filter((id) => known.has(id));
  return {
    variantId: product.variants.some((variant) => variant.id === variantId) ? (variantId ?? null) : initial.variantId,
    modifierIds: modifierIds === undefined ? initial.modifierIds : normalize(kept),
  };
}

function normalize(ids: Iterable<number>): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Chooses a modifier: in a single group it replaces the group's choice; in a multiple group it toggles. */
export function toggleModifier(product: ProductOptions, choice: Choice, modifierId: number): Choice {
  const group = product.modifier_groups.find((candidate) => candidate.modifiers.some((modifier) => modifier.id === modifierId));
  if (!group) return choice;
  const chosen = choice.modifierIds.includes(modifierId);
  if (group.kind === 'single') {
    const others = new Set(group.modifiers.map((modifier) => modifier.id));
    // A single group that is not required can be cleared by choosing its modifier again.
    if (chosen && !group.required) return { ...choice, modifierIds: choice.modifierIds.filter((id) => id !== modifierId) };
    return { ...choice, modifierIds: normalize([...choice.modifierIds.filter((id) => !others.has(id)), modifierId]) };
  }
  return { ...choice, modifierIds: normalize(chosen ? choice.modifierIds.filter((id) => id !== modifierId) : [...choice.modifierIds, modifierId]) };
}

/** How many a group takes: at least `least`, at most `most` (null: no limit). */
export function groupLimits(group: ModifierGroup): { least: number; most: number | null } {
  return { least: Math.max(group.min_choices, group.required ? 1 : 0), most: group.kind === 'single' ? 1 : group.max_choices };
}

/** Each group whose choice does not fit its limits (the server answers 422 `invalid_options` for them). */
export function choiceProblems(product: ProductOptions, choice: Choice): GroupProblem[] {
  const problems: GroupProblem[] = [];
  for (const group of product.modifier_groups) {
    const count = group.modifiers.filter((modifier) => choice.modifierIds.includes(modifier.id)).length;
    const { least, most } = groupLimits(group);
    if (count < least) problems.push({ groupId: group.id, group: group.name, kind: 'least', count: least });
    else if (most !== null && count > most) problems.push({ groupId: group.id, group: group.name, kind: 'most', count: most });
  }
  return problems;
}

/** A multiple group is full: its other boxes cannot be ticked until one is unticked. */
export function groupFull(group: ModifierGroup, choice: Choice): boolean {
  const { most } = groupLimits(group);
  if (group.kind === 'single' || most === null) return false;
  return group.modifiers.filter((modifier) => choice.modifierIds.includes(modifier.id)).length >= most;
}

/** The chosen modifiers in the product's group order, each with its group's name. */
export function chosenModifiers(product: ProductOptions, choice: Choice): { group: string; modifier: Modifier }[] {
  return product.modifier_groups.flatMap((group) =>
    group.modifiers.filter((modifier) => choice.modifierIds.includes(modifier.id)).map((modifier) => ({ group: group.name, modifier })),
  );
}

/** The unit price shown: the variant's price plus the modifiers' changes, in whole cents, never below zero. */
export function unitPrice(product: ProductOptions, choice: Choice): string {
  const variant = product.variants.find((candidate) => candidate.id === choice.variantId);
  const base = toCents(variant?.price ?? product.price);
  const deltas = chosenModifiers(product, choice).reduce((sum, { modifier }) => sum + toCents(modifier.price_delta), 0);
  return fromCents(Math.max(0, base + deltas));
}

/** The chosen modifiers that are out at a store (their names), for "Out at Dock Street". */
export function outAtStore(product: ProductOptions, choice: Choice, storeId: number): string[] {
  return chosenModifiers(product, choice)
    .filter(({ modifier }) => modifier.unavailable_store_ids.includes(storeId))
    .map(({ modifier }) => modifier.name);
}

/** There is something to choose: several variants or any modifier group. */
export function hasOptions(product: ProductOptions): boolean {
  return product.variants.length > 1 || product.modifier_groups.length > 0;
}

