import type { APIRequestContext } from '@playwright/test';
import { BROOKLYN, CLERKENWELL, KREUZBERG, apiSignIn } from './shop';

/** The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults). */
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };

export type VariantSpec = { name: string; price: string; attributes?: Record<string, string>; ru?: string; stock: Record<string, number> };
export type ModifierSpec = { name: string; delta: string; ru?: string; outAt?: string[] };
export type GroupSpec = { name: string; kind: 'single' | 'multiple'; required: boolean; min?: number; max?: number | null; default?: string; ru?: string; modifiers: ModifierSpec[] };
export type ConfiguredProduct = { slug: string; name: string; category: string; description: string; variants: VariantSpec[]; groups: GroupSpec[] };

/**
 * A product with variants and modifier groups (issue 24), made for one scenario through the
 * catalog admin API, as a shop's admin would: the product (its first variant comes with it), its
 * other variants, each variant's stock per store, shared modifier groups in order, and the
 * modifiers out at a store. Answers the product's id.
 */
export async function createConfiguredProduct(request: APIRequestContext, spec: ConfiguredProduct): Promise<number> {
  const auth = await apiSignIn(request, ADMIN);
  const call = async (method: 'post' | 'patch' | 'put', path: string, data: unknown): Promise<{ id: number }> => {
    const response = await request[method](`/api/v1${path}`, { headers: auth, data });
    if (!response.ok()) throw new Error(`${method.toUpperCase()} ${path}: ${response.status()} ${await response.text()}`);
    return response.status() === 204 ? { id: 0 } : ((await response.json()) as { id: number });
  };
  const translations = (ru: string | undefined) => (ru ? { ru: { name: ru } } : undefined);
  const categories = (await (await request.get('/api/v1/categories?page_size=100')).json()) as { items: { id: number; slug: string }[] };
  const category = categories.items.find((candidate) => candidate.slug === spec.category);
  if (!category) throw new Error(`no category ${spec.category}`);
  const stores = (await (await request.get('/api/v1/stores?page_size=100')).json()) as { items: { id: number; name: string }[] };
  const storeId = (name: string) => stores.items.find((store) => store.name === name)!.id;

  const { id } = await call('post', '/products', { name: spec.name, slug: spec.slug, price: spec.variants[0]!.price, category_id: category.id, description: spec.description });
  const product = (await (await request.get(`/api/v1/products/${id}`)).json()) as { variants: { id: number }[] };
  for (const [position, variant] of spec.variants.entries()) {
    const data = { sku: `E2E-${id}-${position}`, name: variant.name, price: variant.price, attributes: variant.attributes ?? {}, position, translations: translations(variant.ru) };
    const variantId = position === 0 ? (await call('patch', `/variants/${product.variants[0]!.id}`, data), product.variants[0]!.id) : (await call('post', `/products/${id}/variants`, { ...data, is_active: true })).id;
    for (const [store, quantity] of Object.entries(variant.stock)) await call('put', `/stores/${storeId(store)}/stock/${id}`, { quantity, variant_id: variantId });
  }
  const groupIds: number[] = [];
  for (const group of spec.groups) {
    const created = await call('post', '/modifier-groups', {
      name: group.name,
      kind: group.kind,
      required: group.required,
      min_choices: group.min ?? 0,
      max_choices: group.max ?? null,
      translations: translations(group.ru),
    });
    for (const [position, modifier] of group.modifiers.entries()) {
      const { id: modifierId } = await call('post', `/modifier-groups/${created.id}/modifiers`, { name: modifier.name, price_delta: modifier.delta, position, is_active: true, translations: translations(modifier.ru) });
      if (group.default === modifier.name) await call('patch', `/modifier-groups/${created.id}`, { default_modifier_id: modifierId });
      for (const store of modifier.outAt ?? []) await call('put', `/stores/${storeId(store)}/modifiers/${modifierId}`, { available: false });
    }
    groupIds.push(created.id);
  }
  if (groupIds.length) await call('put', `/products/${id}/modifier-groups`, { group_ids: groupIds });
  return id;
}

const everywhere = (quantity: number) => ({ [KREUZBERG]: quantity, [CLERKENWELL]: quantity, [BROOKLYN]: quantity });

/**
 * The counter's flat white of the options scenarios, its own product each time (a fresh slug):
 * Small 3.20 / Medium 3.80 / Large 4.40, 20 of each everywhere; Milk (one, required: Dairy by
 * default, Oat +0.40 out at Brooklyn, Soy +0.40); Extras (up to 3: shot +0.60, vanilla +0.50).
 * Answers its slug.
 */
export async function createFlatWhite(request: APIRequestContext): Promise<string> {
  const slug = `flat-white-${Date.now()}`;
  await createConfiguredProduct(request, {
    slug,
    name: 'Flat white',
    category: 'drinks-to-go',
    description: 'Double ristretto and silky milk.',
    variants: [
      { name: 'Small', price: '3.20', attributes: { size: 'S' }, stock: everywhere(20) },
      { name: 'Medium', price: '3.80', attributes: { size: 'M' }, stock: everywhere(20) },
      { name: 'Large', price: '4.40', attributes: { size: 'L' }, stock: everywhere(20) },
    ],
    groups: [
      {
        name: 'Milk',
        kind: 'single',
        required: true,
        min: 1,
        max: 1,
        default: 'Dairy',
        modifiers: [
          { name: 'Dairy', delta: '0.00' },
          { name: 'Oat', delta: '0.40', outAt: [BROOKLYN] },
          { name: 'Soy', delta: '0.40' },
        ],
      },
      { name: 'Extras', kind: 'multiple', required: false, max: 3, modifiers: [{ name: 'Extra shot', delta: '0.60' }, { name: 'Vanilla syrup', delta: '0.50' }] },
    ],
  });
  return slug;
}
