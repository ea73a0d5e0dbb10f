"""The compose stack's `migrate` job makes the first admin from ADMIN_EMAIL / ADMIN_PASSWORD on a
database without users, and nothing else: no demo accounts, no demo catalog."""

import asyncio
import os
import subprocess
import sys

from sqlalchemy import func, select

from app.core.config import settings
from app.models import Category, Product, Store, User
from tests.core.processes import BACKEND_DIR
from tests.factories import create_user, login

PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "a-production-key-of-forty-characters-0123",
    "WEBHOOK_SECRET": "a-production-webhook-secret",
    "ADMIN_EMAIL": "owner@example.com",
    "ADMIN_PASSWORD": "a-production-admin-password",
}


async def first_admin(env: dict[str, str]) -> str:
    """`python -m app.users.first_admin` as the migrate job runs it; its output."""
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.users.first_admin"],
        cwd=BACKEND_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def test_the_first_admin_and_nothing_else_on_an_empty_database(client, db):
    assert "the first admin: owner@example.com" in await first_admin(PRODUCTION)
    users = (await db.scalars(select(User))).all()
    assert [(u.email, u.role_name, u.is_active, u.is_verified) for u in users] == [
        ("owner@example.com", "admin", True, True)
    ]
    for model in (Category, Product, Store):
        assert await db.scalar(select(func.count()).select_from(model)) == 0

    # Run again (every deploy runs the job): nothing more.
    assert "no admin created" in await first_admin(PRODUCTION)
    assert await db.scalar(select(func.count()).select_from(User)) == 1


async def test_no_admin_is_made_once_anyone_has_an_account(client, db):
    await create_user(username="early")
    assert "no admin created" in await first_admin({})
    assert [u.username for u in (await db.scalars(select(User))).all()] == ["early"]


async def test_the_first_admin_signs_in_with_admin_password(client):
    await first_admin({})
    tokens = await login(client, settings.admin_email, settings.admin_password.get_secret_value())
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.json()["role"] == "admin"
