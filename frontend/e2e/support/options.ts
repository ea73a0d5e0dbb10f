import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext } from '@playwright/test';
import { apiSignIn } from './shop';

/** The demo admin of `make run` (ADMIN_EMAIL / ADMIN_PASSWORD defaults). */
const ADMIN = { email: 'admin@example.com', password: 'admin-password-change-me' };

export type VariantSpec = { name: string; price: string; attributes?: Record<string, string>; ru?: string; stock: Record<string, number> };
export type ModifierSpec = { name: string; delta: string; ru?: string; outAt?: string[] };
export type GroupSpec = { name: string; kind: 'single' | 'multiple'; required: boolean; min?: number; max?: number | null; default?: string; ru?: string; modifiers: ModifierSpec[] };
export type ConfiguredProduct = { slug: string; name: string; category: string; description: string; variants: VariantSpec[]; groups: GroupSpec[] };

const backend = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'backend');

// The options are written straight to the shop's database: the product comes from the admin API
// (its first variant too, the database's own rule), its other variants, modifier groups and
// per-store availability in one transaction of the schema of migration 0015.
const SCRIPT = `
import asyncio, json, sys
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

async def main() -> None:
    spec = json.loads(sys.argv[2])
    engine = create_async_engine(sys.argv[1])
    async with engine.begin() as db:
        q = lambda sql, **p: db.execute(text(sql), p)
        stores = {name: sid for sid, name in (await q("SELECT id, name FROM store")).all()}
        pid = spec["product_id"]
        first = (await q("SELECT id FROM product_variant WHERE product_id = :p", p=pid)).scalar_one()
        for position, v in enumerate(spec["variants"]):
            sku = f"E2E-{pid}-{position}"
            attrs = json.dumps(v.get("attributes", {}))
            if position == 0:
                await q("UPDATE product_variant SET sku = :s, name = :n, price = :pr, attributes = CAST(:a AS jsonb) WHERE id = :id", s=sku, n=v["name"], pr=v["price"], a=attrs, id=first)
                vid = first
            else:
                vid = (await q("INSERT INTO product_variant (product_id, sku, name, price, attributes, position) VALUES (:p, :s, :n, :pr, CAST(:a AS jsonb), :pos) RETURNING id", p=pid, s=sku, n=v["name"], pr=v["price"], a=attrs, pos=position)).scalar_one()
            if v.get("ru"):
                await q("INSERT INTO product_variant_translation (variant_id, language, name) VALUES (:v, 'ru', :n)", v=vid, n=v["ru"])
            for store, quantity in v["stock"].items():
                await q("INSERT INTO stock (store_id, variant_id, quantity) VALUES (:s, :v, :n) ON CONFLICT (store_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity", s=stores[store], v=vid, n=quantity)
        for gpos, g in enumerate(spec["groups"]):
            gid = (await q("INSERT INTO modifier_group (name, kind, required, min_choices, max_choices) VALUES (:n, :k, :r, :mi, :ma) RETURNING id", n=g["name"], k=g["kind"], r=g["required"], mi=g.get("min", 0), ma=g.get("max"))).scalar_one()
            if g.get("ru"):
                await q("INSERT INTO modifier_group_translation (group_id, language, name) VALUES (:g, 'ru', :n)", g=gid, n=g["ru"])
            for mpos, m in enumerate(g["modifiers"]):
                mid = (await q("INSERT INTO modifier (group_id, name, price_delta, position) VALUES (:g, :n, :d, :pos) RETURNING id", g=gid, n=m["name"], d=m["delta"], pos=mpos)).scalar_one()
                if m.get("ru"):
                    await q("INSERT INTO modifier_translation (modifier_id, language, name) VALUES (:m, 'ru', :n)", m=mid, n=m["ru"])
                if g.get("default") == m["name"]:
                    await q("UPDATE modifier_group SET default_modifier_id = :m WHERE id = :g", m=mid, g=gid)
                for store in m.get("outAt", []):
                    await q("INSERT INTO modifier_unavailable (modifier_id, store_id) VALUES (:m, :s)", m=mid, s=stores[store])
            await q("INSERT INTO product_modifier_group (product_id, group_id, position) VALUES (:p, :g, :pos)", p=pid, g=gid, pos=gpos)
    await engine.dispose()

asyncio.run(main())
`;

/**
 * A product with variants and modifier groups (issue 24), made for one scenario: the product
 * through the admin API, its options in the database. Answers the product's id.
 */
export async function createConfiguredProduct(request: APIRequestContext, spec: ConfiguredProduct): Promise<number> {
  const auth = await apiSignIn(request, ADMIN);
  const categories = (await (await request.get('/api/v1/categories?page_size=100')).json()) as { items: { id: number; slug: string }[] };
  const category = categories.items.find((candidate) => candidate.slug === spec.category);
  if (!category) throw new Error(`no category ${spec.category}`);
  const created = await request.post('/api/v1/products', {
    headers: auth,
    data: { name: spec.name, slug: spec.slug, price: spec.variants[0]!.price, category_id: category.id, description: spec.description },
  });
  if (created.status() !== 201) throw new Error(`product: ${created.status()} ${await created.text()}`);
  const { id } = (await created.json()) as { id: number };
  const databaseURL = process.env.E2E_DATABASE_URL;
  if (!databaseURL) throw new Error('E2E_DATABASE_URL is not set: run the tests through e2e/run.mjs');
  const python = process.env.BACKEND_PYTHON ?? join(backend, '.venv', 'bin', 'python');
  const result = spawnSync(python, ['-c', SCRIPT, databaseURL, JSON.stringify({ product_id: id, variants: spec.variants, groups: spec.groups })], { cwd: backend, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`options: ${result.stderr}`);
  return id;
}
