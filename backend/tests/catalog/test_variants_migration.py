"""Migration 0015 turns every product into a product with one variant and loses nothing:
counts, prices, stock and order history read the same before, after, and after a downgrade;
the downgrade refuses while it would lose a second variant (docs/variants.md)."""

import asyncpg

from tests.payments.test_accounts_migration import alembic, scratch_database

__all__ = ["scratch_database"]

BEFORE = "0014_store_pay_at_pickup"

# A shop as the demo has it: categories, 60 products (a few inactive), 3 stores with stock
# of most products, customers with carts and orders of several lines (one product deleted
# since it was ordered).
SHOP = """
INSERT INTO "user" (email, username, password_hash, role_id)
SELECT 'u' || n || '@example.com', 'u' || n, 'x', (SELECT id FROM role WHERE name = 'customer')
FROM generate_series(1, 4) AS n;
INSERT INTO category (name, slug) VALUES ('Coffee', 'coffee'), ('Books', 'books');
INSERT INTO product (name, slug, price, category_id, is_active)
SELECT 'Product ' || n, 'product-' || n, (n * 0.35 + 1)::numeric(12, 2),
       (SELECT id FROM category WHERE slug = CASE WHEN n % 2 = 0 THEN 'coffee' ELSE 'books' END),
       n % 13 <> 0
FROM generate_series(1, 60) AS n;
INSERT INTO store (name, address, city)
VALUES ('Dock Street', '1 Dock St', 'Town'), ('Market', '2 Market Sq', 'Town'),
       ('Station', '3 Station Rd', 'Town');
INSERT INTO stock (store_id, product_id, quantity)
SELECT s.id, p.id, (p.id * 7 + s.id * 3) % 40
FROM store s CROSS JOIN product p WHERE (p.id + s.id) % 5 <> 0;
INSERT INTO cart (user_id) SELECT id FROM "user";
INSERT INTO cart_item (cart_id, product_id, quantity)
SELECT c.id, p.id, 1 + p.id % 3 FROM cart c JOIN product p ON p.id % 4 = c.id % 4 AND p.id < 20;
INSERT INTO "order" (user_id, store_id, status, total, currency, payment_method)
SELECT u.id, (SELECT min(id) FROM store), 'paid', 0, 'EUR', 'pickup'
FROM "user" u, generate_series(1, 3);
INSERT INTO order_item (order_id, product_id, product_name, quantity, unit_price)
SELECT o.id, p.id, p.name, 1 + (o.id + p.id) % 3, p.price
FROM "order" o JOIN product p ON (p.id + o.id) % 6 = 0;
UPDATE "order" o SET total = (SELECT sum(quantity * unit_price) FROM order_item i
                              WHERE i.order_id = o.id);
DELETE FROM product WHERE id = (SELECT min(product_id) FROM order_item);
"""

FIGURES = {
    "products": "SELECT id, name, slug, price, is_active FROM product ORDER BY id",
    "stock": "SELECT store_id, product_id, quantity FROM stock ORDER BY 1, 2",
    "cart": "SELECT cart_id, product_id, quantity FROM cart_item ORDER BY id",
    "orders": 'SELECT id, number, status, total FROM "order" ORDER BY id',
    "lines": "SELECT order_id, product_id, product_name, quantity, unit_price"
    " FROM order_item ORDER BY id",
}


async def figures(conn: asyncpg.Connection) -> dict[str, list[tuple]]:
    return {name: [tuple(r) for r in await conn.fetch(sql)] for name, sql in FIGURES.items()}


async def test_every_product_becomes_one_variant_and_counts_prices_stock_and_orders_stay(
    scratch_database,
):
    dsn, app_url = scratch_database
    assert await alembic(app_url, "upgrade", BEFORE) is None
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SHOP)
        before = await figures(conn)
        assert len(before["products"]) == 59 and len(before["stock"]) > 100
        assert before["lines"][0][1] is None  # a line whose product was deleted

        assert await alembic(app_url, "upgrade", "head") is None
        assert await figures(conn) == before
        # One variant per product, at its price; the stock, cart and order lines on it.
        variants = await conn.fetch(
            "SELECT p.id, p.price, count(v.id) AS n, min(v.price) AS variant_price,"
            " min(v.sku) AS sku FROM product p LEFT JOIN product_variant v"
            " ON v.product_id = p.id GROUP BY p.id ORDER BY p.id"
        )
        assert all(r["n"] == 1 for r in variants)
        assert all(r["variant_price"] == r["price"] for r in variants)
        assert [r["sku"] for r in variants] == [f"P{r['id']}" for r in variants]
        for table in ("stock", "cart_item", "order_item"):
            astray = await conn.fetchval(
                f"SELECT count(*) FROM {table} t LEFT JOIN product_variant v"  # noqa: S608
                " ON v.id = t.variant_id WHERE t.product_id IS DISTINCT FROM v.product_id"
            )
            assert astray == 0, table

        assert await alembic(app_url, "downgrade", BEFORE) is None
        assert await figures(conn) == before
        assert await alembic(app_url, "upgrade", "head") is None
        assert await figures(conn) == before
    finally:
        await conn.close()


async def test_a_downgrade_refuses_while_a_product_has_two_variants_and_folds_back_after(
    scratch_database,
):
    dsn, app_url = scratch_database
    assert await alembic(app_url, "upgrade", "head") is None
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO category (name, slug) VALUES ('Coffee', 'coffee');"
            "INSERT INTO product (name, slug, price, category_id)"
            " VALUES ('Flat white', 'flat-white', 3.20, (SELECT id FROM category))"
        )
        large = await conn.fetchval(
            "INSERT INTO product_variant (product_id, sku, name, price)"
            " VALUES ((SELECT id FROM product), 'FW-L', 'Large', 4.10) RETURNING id"
        )
        refused = await alembic(app_url, "downgrade", BEFORE)
        assert refused is not None and "1 product(s) with more than one variant" in refused
        assert await conn.fetchval("SELECT count(*) FROM product_variant") == 2

        await conn.execute("DELETE FROM product_variant WHERE id = $1", large)
        assert await alembic(app_url, "downgrade", BEFORE) is None
        assert str(await conn.fetchval("SELECT price FROM product")) == "3.20"
    finally:
        await conn.close()
