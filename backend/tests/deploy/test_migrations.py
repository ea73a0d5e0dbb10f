"""The latest migration can be undone: it downgrades cleanly to the revision before it and
upgrades again to exactly the same schema (README.md, "Upgrades": a release whose deploy goes
wrong is rolled back with `alembic downgrade -1` and the previous image)."""

import asyncio
import os
import subprocess
import uuid

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from dev.backup import libpq_env, postgres_bin
from dev.embedded import ensure_database
from tests.core.processes import BACKEND_DIR


@pytest.fixture
def scratch_database():
    """An empty database on the test server, dropped afterwards: its app URL."""
    url = make_url(os.environ["DATABASE_URL"]).set(database=f"downgrade_{uuid.uuid4().hex[:8]}")
    app_url = url.render_as_string(hide_password=False)
    ensure_database(app_url)
    yield app_url

    async def drop() -> None:
        admin = url.set(drivername="postgresql", database="postgres")
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def alembic_config(app_url: str) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.attributes.update(database_url=app_url, skip_logging=True)
    return config


def schema(app_url: str) -> str:
    """The schema as pg_dump writes it (tables, constraints, indexes, alembic_version's row)."""
    dumped = subprocess.run(
        [postgres_bin() / "pg_dump", "--schema-only", "--no-owner", "--restrict-key=shop"],
        env={**os.environ, **libpq_env(app_url)},
        capture_output=True,
        text=True,
        check=True,
    )
    return dumped.stdout


async def current(app_url: str) -> str:
    url = make_url(app_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()


async def test_the_latest_migration_downgrades_and_upgrades_again(scratch_database):
    config = alembic_config(scratch_database)
    head = ScriptDirectory.from_config(config).get_current_head()
    previous = ScriptDirectory.from_config(config).get_revision(head).down_revision
    assert previous, "the latest migration has no revision before it"

    await asyncio.to_thread(command.upgrade, config, "head")
    upgraded = await asyncio.to_thread(schema, scratch_database)
    assert await current(scratch_database) == head

    await asyncio.to_thread(command.downgrade, config, "-1")
    assert await current(scratch_database) == previous
    assert await asyncio.to_thread(schema, scratch_database) != upgraded

    await asyncio.to_thread(command.upgrade, config, "head")
    assert await current(scratch_database) == head
    assert await asyncio.to_thread(schema, scratch_database) == upgraded


async def _fetch(app_url: str, query: str) -> list[asyncpg.Record]:
    url = make_url(app_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(query)
    finally:
        await conn.close()


async def test_undoing_the_translations_keeps_the_catalog_searchable_in_english(
    scratch_database,
):
    config = alembic_config(scratch_database)
    await asyncio.to_thread(command.upgrade, config, "0009_catalog_translations")
    await _fetch(
        scratch_database,
        """
        WITH c AS (INSERT INTO category (name, slug) VALUES ('Coffee', 'coffee') RETURNING id),
        p AS (
            INSERT INTO product (name, slug, price, category_id)
            SELECT 'Morning Beans', 'morning-beans', 9, id FROM c RETURNING id
        ),
        t AS (
            INSERT INTO category_translation (category_id, language, name)
            SELECT id, 'ru', 'Кофе' FROM c
        )
        INSERT INTO product_translation (product_id, language, name, attributes)
        SELECT id, 'ru', 'Утренние зёрна', '{"roast": "светлая"}' FROM p
        """,
    )
    query = "SELECT search_vector::text AS v FROM product WHERE slug = 'morning-beans'"
    translated = (await _fetch(scratch_database, query))[0]["v"]
    assert all(word in translated for word in ("'утрен'", "'зерн'", "'светл'", "'коф'"))
    refused = await _fetch(
        scratch_database,
        "SELECT count(*) AS n FROM pg_constraint WHERE conname = 'ck_product_translation_language'",
    )
    assert refused[0]["n"] == 1

    await asyncio.to_thread(command.downgrade, config, "-1")
    english = (await _fetch(scratch_database, query))[0]["v"]
    assert "'morn'" in english and "'зерн'" not in english and "'коф'" not in english
    await asyncio.to_thread(command.upgrade, config, "head")
    assert await _fetch(scratch_database, "SELECT * FROM product_translation") == []
