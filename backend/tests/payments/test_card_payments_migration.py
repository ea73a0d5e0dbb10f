"""Migration 0010 tells how existing orders were paid, on a database of its own."""

import asyncpg

from tests.payments.test_accounts_migration import alembic, scratch_database

__all__ = ["scratch_database"]

SETUP = """
INSERT INTO "user" (email, username, password_hash, role_id)
VALUES ('u1@example.com', 'u1', 'x', (SELECT id FROM role WHERE name = 'customer'));
INSERT INTO account (user_id, currency) VALUES (1, 'EUR');
INSERT INTO store (name, address, city) VALUES ('Main', '1 Road', 'Town');
INSERT INTO "order" (user_id, store_id, status, total, currency)
SELECT 1, (SELECT id FROM store), s, 4.50, 'EUR'
FROM unnest(ARRAY['paid', 'pending', 'paid', 'cancelled']) WITH ORDINALITY AS t (s, n)
ORDER BY n;
"""


async def test_orders_paid_from_the_ledger_become_balance_and_the_rest_pickup(scratch_database):
    dsn, app_url = scratch_database
    assert await alembic(app_url, "upgrade", "0009_catalog_translations") is None
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SETUP)
        orders = [r["id"] for r in await conn.fetch('SELECT id FROM "order" ORDER BY id')]
        account = await conn.fetchval("SELECT id FROM account WHERE user_id = 1")
        # Order 1 paid from the balance; order 4 paid from it and refunded on cancel; order 3
        # paid at the counter (no ledger entry); order 2 still unpaid.
        for order_id in (orders[0], orders[3]):
            await conn.execute(
                "INSERT INTO transaction (account_id, amount, kind, order_id)"
                " VALUES ($1, -4.50, 'payment', $2)",
                account,
                order_id,
            )
        await conn.execute(
            "INSERT INTO transaction (account_id, amount, kind, order_id)"
            " VALUES ($1, 4.50, 'refund', $2)",
            account,
            orders[3],
        )

        assert await alembic(app_url, "upgrade", "head") is None

        rows = await conn.fetch('SELECT payment_method, hold_expires_at FROM "order" ORDER BY id')
        assert [r["payment_method"] for r in rows] == ["balance", "pickup", "pickup", "balance"]
        assert all(r["hold_expires_at"] is None for r in rows)
        assert await conn.fetchval("SELECT count(*) FROM card_payment") == 0
        # A method the shop does not know is refused by the database itself.
        try:
            await conn.execute(
                "UPDATE \"order\" SET payment_method = 'cash' WHERE id = $1", orders[1]
            )
        except asyncpg.CheckViolationError:
            pass
        else:
            raise AssertionError("an unknown payment method was stored")

        assert await alembic(app_url, "downgrade", "0009_catalog_translations") is None
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM information_schema.columns"
                " WHERE table_name = 'order' AND column_name = 'payment_method'"
            )
            == 0
        )
    finally:
        await conn.close()
