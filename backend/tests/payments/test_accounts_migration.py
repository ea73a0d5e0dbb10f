"""Migration 0004 gives every existing user a money account, on a database of its own."""

import asyncio
import os
import uuid

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from dev.embedded import ensure_database
from tests.conftest import BACKEND_DIR


@pytest.fixture
def scratch_database():
    """An empty database on the test server, dropped afterwards: (asyncpg dsn, app URL)."""
    url = make_url(os.environ["DATABASE_URL"]).set(database=f"migrate_{uuid.uuid4().hex[:8]}")
    app_url = url.render_as_string(hide_password=False)
    ensure_database(app_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    yield dsn, app_url

    async def drop() -> None:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


async def alembic(app_url: str, action: str, revision: str) -> str | None:
    """Run `alembic <action> <revision>` on `app_url` (in a thread: env.py runs its own event
    loop); the error it stopped with, or None."""
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes.update(database_url=app_url, skip_logging=True)
    try:
        await asyncio.to_thread(getattr(command, action), config, revision)
    except Exception as exc:  # the migration's own refusal is what some tests look for
        return str(exc)
    return None


USERS = """
INSERT INTO "user" (email, username, password_hash, role_id)
SELECT 'u' || n || '@example.com', 'u' || n, 'x', (SELECT id FROM role WHERE name = 'customer')
FROM generate_series(1, 3) AS n
"""


async def test_every_user_gets_one_account_and_ids_stay_unique(scratch_database):
    dsn, app_url = scratch_database
    assert await alembic(app_url, "upgrade", "0003_orders") is None
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(USERS)
        # Before: a webhook made account 7 for user 1, and one outlived its deleted user.
        await conn.execute("INSERT INTO account (id, user_id, balance) VALUES (7, 1, 12.50)")
        await conn.execute("INSERT INTO account (id, user_id, balance) VALUES (3, NULL, 0)")
        await conn.execute(
            "INSERT INTO transaction (account_id, amount, kind, external_id)"
            " VALUES (7, 12.50, 'credit', 'prov-1')"
        )

        assert await alembic(app_url, "upgrade", "head") is None

        rows = await conn.fetch(
            "SELECT id, user_id, currency, balance FROM account ORDER BY user_id NULLS FIRST, id"
        )
        assert [(r["user_id"], r["currency"]) for r in rows] == [
            (None, "EUR"),
            (1, "EUR"),
            (2, "EUR"),
            (3, "EUR"),
        ]
        assert (rows[1]["id"], rows[1]["balance"]) == (7, 12.50)
        assert all(r["id"] > 7 for r in rows[2:])
        # Nobody picks account ids any more, and the next one is past every existing id.
        with pytest.raises(asyncpg.GeneratedAlwaysError):
            await conn.execute("INSERT INTO account (id, user_id, currency) VALUES (99, 2, 'USD')")
        await conn.execute(USERS.replace("1, 3", "4, 4"))
        new_id = await conn.fetchval(
            "INSERT INTO account (user_id, currency) VALUES (4, 'EUR') RETURNING id"
        )
        assert new_id > max(r["id"] for r in rows)
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute("INSERT INTO account (user_id, currency) VALUES (4, 'EUR')")

        assert await alembic(app_url, "downgrade", "0003_orders") is None
        assert await alembic(app_url, "upgrade", "head") is None
    finally:
        await conn.close()


async def test_a_user_with_two_accounts_stops_the_upgrade_with_a_reason(scratch_database):
    dsn, app_url = scratch_database
    assert await alembic(app_url, "upgrade", "0003_orders") is None
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(USERS)
        await conn.execute("INSERT INTO account (id, user_id) VALUES (1, 2), (2, 2)")
        refused = await alembic(app_url, "upgrade", "head")
        assert refused is not None and "users [2] hold several accounts" in refused
        # Nothing of 0004 stayed: the upgrade ran in one transaction.
        assert await conn.fetchval("SELECT version_num FROM alembic_version") == "0003_orders"
        assert await conn.fetchval("SELECT count(*) FROM account") == 2
    finally:
        await conn.close()
