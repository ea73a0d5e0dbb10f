"""Migration 0015 (variants and modifiers) on a 100k-product shop: timed, and checked to lose
nothing, up and down (docs/variants.md, "100k products").

    make bench-migration                       (100,000 products)
    cd backend && .venv/bin/python -m bench.migration --scale 10000

On an embedded PostgreSQL of its own: migrates an empty database to 0014, seeds --scale
products (in 50 categories, one image each, a few inactive) with stock in 4 stores, carts of
customers and an order history of several lines per order (one ordered product deleted
since), then times `alembic upgrade 0015`, `alembic downgrade 0014` and the upgrade again.
After each step the shop's figures (counts, and a checksum of every product's price and
activity, every stock row, cart line, order and order line) must equal those read before;
after each upgrade every product has exactly one variant at its price and every stock, cart
and order line sits on its product's variant. Prints the figures; exit code 1 when one
differs. The same check as tests/catalog/test_variants_migration.py, at the size of a real
catalog (too slow for `make test`).
"""

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

BACKEND_DIR = Path(__file__).resolve().parents[1]
BEFORE = "0014_store_pay_at_pickup"
AFTER = "0015_product_variants_modifiers"  # what is measured, whatever comes after it

SEED = """
INSERT INTO category (name, slug) SELECT 'Department ' || n, 'department-' || n
    FROM generate_series(1, 10) n;
INSERT INTO category (name, slug, parent_id)
    SELECT 'Aisle ' || n, 'aisle-' || n,
        (SELECT id FROM category WHERE slug = 'department-' || (1 + n % 10))
    FROM generate_series(1, 40) n;
INSERT INTO product (name, slug, description, price, category_id, is_active)
    SELECT 'Product ' || n, 'product-' || n, 'Item number ' || n || '.',
        round((1 + (n * 7919) % 5000 / 100.0)::numeric, 2),
        (SELECT id FROM category WHERE slug = 'aisle-' || (1 + n % 40)), n % 97 <> 0
    FROM generate_series(1, {scale}) n;
INSERT INTO product_image
    (product_id, filename, content_type, width, height, size_bytes, position, alt_text)
    SELECT id, 'bench-' || id || '.webp', 'image/webp', 800, 800, 40000, 0, name FROM product;
INSERT INTO store (name, address, city) VALUES
    ('Dock Street', '1 Dock Street', 'Berlin'), ('Market', '2 Market Square', 'Berlin'),
    ('Station', '3 Station Road', 'Berlin'), ('Harbour', '4 Harbour Row', 'Berlin');
INSERT INTO stock (store_id, product_id, quantity)
    SELECT s.id, p.id, (p.id * 7 + s.id * 3) % 40
    FROM store s CROSS JOIN product p WHERE (p.id + s.id) % 5 <> 0;
INSERT INTO "user" (email, username, password_hash, role_id)
    SELECT 'u' || n || '@example.com', 'u' || n, 'x',
        (SELECT id FROM role WHERE name = 'customer')
    FROM generate_series(1, {customers}) n;
INSERT INTO cart (user_id) SELECT id FROM "user" WHERE id % 2 = 0;
INSERT INTO cart_item (cart_id, product_id, quantity)
    SELECT c.id, 1 + (c.id * 131 + k * 977) % {scale}, 1 + k
    FROM cart c CROSS JOIN generate_series(0, 3) k;
INSERT INTO "order" (user_id, store_id, status, total, currency, payment_method)
    SELECT u.id, (SELECT min(id) FROM store) + n % 4,
        (ARRAY['paid', 'completed', 'cancelled', 'pending'])[1 + (u.id + n) % 4],
        0, 'EUR', 'pickup'
    FROM "user" u CROSS JOIN generate_series(1, {orders_each}) n;
INSERT INTO order_item (order_id, product_id, product_name, quantity, unit_price)
    SELECT o.id, p.id, p.name, 1 + (o.id + k) % 3, p.price
    FROM "order" o CROSS JOIN generate_series(0, 2) k
    JOIN product p ON p.id = 1 + (o.id * 37 + k * 7001) % {scale};
UPDATE "order" o SET total = t.total
    FROM (SELECT order_id, sum(quantity * unit_price) AS total FROM order_item GROUP BY 1) t
    WHERE t.order_id = o.id;
DELETE FROM product WHERE id = (SELECT product_id FROM order_item ORDER BY id LIMIT 1);
"""

# What must read the same before and after: rows counted, and a checksum of every row.
FIGURES = {
    "products": "SELECT id, name, slug, price, is_active FROM product",
    "stock": "SELECT store_id, product_id, quantity FROM stock",
    "cart lines": "SELECT cart_id, product_id, quantity FROM cart_item",
    "orders": 'SELECT id, number, status, total FROM "order"',
    "order lines": "SELECT order_id, product_id, product_name, quantity, unit_price"
    " FROM order_item",
}
PRICE_SUM = "SELECT sum(price) FROM product"

# After an upgrade: one variant per product at its price, every line on its product's one.
VARIANTS_HOLD = """
SELECT (SELECT count(*) FROM product p WHERE (SELECT count(*) FROM product_variant v
            WHERE v.product_id = p.id AND v.price = p.price AND v.sku = 'P' || p.id) <> 1)
     + abs((SELECT count(*) FROM product_variant) - (SELECT count(*) FROM product))
"""
ASTRAY = """SELECT count(*) FROM {table} t LEFT JOIN product_variant v ON v.id = t.variant_id
    WHERE t.product_id IS DISTINCT FROM v.product_id"""


async def figures(conn: asyncpg.Connection) -> dict[str, tuple[int, str]]:
    """Per table: (rows, md5 of all of them in a fixed order)."""
    found = {}
    for name, sql in FIGURES.items():
        row = await conn.fetchrow(
            f"SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
            f" AS sum FROM ({sql}) t"
        )
        assert row is not None
        found[name] = (row["n"], row["sum"])
    found["price sum"] = (0, str(await conn.fetchval(PRICE_SUM)))
    return found


async def variants_hold(conn: asyncpg.Connection) -> list[str]:
    problems = []
    if wrong := await conn.fetchval(VARIANTS_HOLD):
        problems.append(f"{wrong} product(s) without exactly one variant at their price")
    for table in ("stock", "cart_item", "order_item"):
        if astray := await conn.fetchval(ASTRAY.format(table=table)):
            problems.append(f"{astray} {table} row(s) not on their product's variant")
    return problems


def alembic(app_url: str, action: str, revision: str) -> float:
    """`alembic <action> <revision>`, in this process; the seconds it took."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes.update(database_url=app_url, skip_logging=True)
    started = time.perf_counter()
    getattr(command, action)(config, revision)
    return time.perf_counter() - started


async def _run(dsn: str, *statements: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _read(dsn: str, check_variants: bool) -> tuple[dict[str, tuple[int, str]], list[str]]:
    conn = await asyncpg.connect(dsn)
    try:
        return await figures(conn), (await variants_hold(conn) if check_variants else [])
    finally:
        await conn.close()


async def _size(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        size = "SELECT pg_size_pretty(pg_database_size(current_database()))"
        return str(await conn.fetchval(size))
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="products to seed")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--orders-each", type=int, default=3, help="orders per customer")
    args = parser.parse_args()

    sys.path.insert(0, str(BACKEND_DIR))
    from dev.embedded import EmbeddedPostgres, ensure_database

    workdir = Path(tempfile.mkdtemp(prefix="shop-migration-"))
    pg = EmbeddedPostgres(workdir / "pg")
    problems: list[str] = []
    try:
        app_url = pg.url("shop_migration")
        dsn = app_url.replace("postgresql+asyncpg", "postgresql")
        ensure_database(app_url)
        os.environ.update(ENVIRONMENT="test", DATABASE_URL=app_url)
        load_before = os.getloadavg()
        alembic(app_url, "upgrade", BEFORE)
        started = time.perf_counter()
        seed = SEED.format(scale=args.scale, customers=args.customers, orders_each=args.orders_each)
        asyncio.run(_run(dsn, seed, "VACUUM ANALYZE"))
        print(f"[bench] seeded at 0014 in {time.perf_counter() - started:.0f} s", flush=True)
        before, _ = asyncio.run(_read(dsn, check_variants=False))
        size = asyncio.run(_size(dsn))

        steps: list[tuple[str, float]] = []
        for label, action, revision, upgraded in (
            ("upgrade 0014 -> 0015", "upgrade", AFTER, True),
            ("downgrade 0015 -> 0014", "downgrade", BEFORE, False),
            ("upgrade again", "upgrade", AFTER, True),
        ):
            seconds = alembic(app_url, action, revision)
            steps.append((label, seconds))
            after, wrong = asyncio.run(_read(dsn, check_variants=upgraded))
            differ = [name for name in before if after[name] != before[name]]
            problems += [f"{label}: {name} differ" for name in differ]
            problems += [f"{label}: {w}" for w in wrong]
            print(
                f"[bench] {label}: {seconds:.1f} s; "
                + ("figures equal" if not differ else f"DIFFER: {', '.join(differ)}")
                + ("" if not upgraded else "; one variant per product, every line on it"
                   if not wrong else f"; {'; '.join(wrong)}"),
                flush=True,
            )  # fmt: skip
        load_after = os.getloadavg()

        print()
        print(
            f"{args.scale:,} products (database {size} at 0014); {os.cpu_count()} cores; "
            f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
        )
        print()
        print("| rows | count |\n| --- | ---: |")
        for name, (count, _) in before.items():
            if name != "price sum":
                print(f"| {name} | {count:,} |")
        print(f"| sum of product prices | {before['price sum'][1]} |")
        print()
        print("| step | seconds | counts, prices, stock, carts, orders |\n| --- | ---: | --- |")
        for label, seconds in steps:
            mine = [p for p in problems if p.startswith(label)]
            print(f"| {label} | {seconds:.1f} | {'equal' if not mine else 'DIFFER'} |")
        print()
        print("result: " + ("nothing lost" if not problems else "WRONG: " + "; ".join(problems)))
        return 1 if problems else 0
    finally:
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
