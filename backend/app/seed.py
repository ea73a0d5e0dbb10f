"""Demo data: the admin from ADMIN_EMAIL / ADMIN_PASSWORD, a support agent and a customer.

python -m app.seed             # add whatever demo data is missing
python -m app.seed --if-empty  # only on an empty database (what `make run` does)
"""

import argparse
import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.db import SessionFactory, engine
from app.models import RoleName, User
from app.users import repository as users_repo
from app.users import service as users_service

DEMO_PASSWORD = "demo-shopper-2026"  # noqa: S105 (public demo accounts, printed in the README)
DEMO_USERS = [
    ("customer@example.com", "customer", "Dana Customer", RoleName.customer),
    ("support@example.com", "support", "Sam Support", RoleName.support),
]


async def ensure_user(
    session: AsyncSession, email: str, username: str, password: str, full_name: str, role: RoleName
) -> User:
    user = await users_repo.by_email(session, email)
    if user is None:
        user = await users_service.create_user(
            session,
            email=email,
            username=username,
            password=password,
            full_name=full_name,
            role=role,
            verified=True,
        )
    return user


async def seed(if_empty: bool) -> None:
    async with SessionFactory() as session, session.begin():
        if if_empty and await session.scalar(select(func.count()).select_from(User)):
            print("[shop] database already has data; demo data not loaded")
            return
        await ensure_user(
            session,
            settings.admin_email,
            settings.admin_email.split("@")[0],
            settings.admin_password.get_secret_value(),
            "Shop Admin",
            RoleName.admin,
        )
        for email, username, full_name, role in DEMO_USERS:
            await ensure_user(session, email, username, DEMO_PASSWORD, full_name, role)
    print(
        f"[shop] demo data loaded: admin {settings.admin_email}, "
        f"customer@example.com / support@example.com (password {DEMO_PASSWORD})"
    )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--if-empty", action="store_true")
    asyncio.run(seed(parser.parse_args().if_empty))


if __name__ == "__main__":
    main()
