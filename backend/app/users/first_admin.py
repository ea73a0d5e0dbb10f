"""The first admin, from ADMIN_EMAIL / ADMIN_PASSWORD, on a database without users: what the
compose stack's one-shot `migrate` job runs after the migrations (and only that: the demo data
of `make run` is development tooling, dev/, not in the image).

    python -m app.users.first_admin
"""

import asyncio

from app.core.config import settings
from app.core.db import engine, unit_of_work
from app.users import service


async def create_first_admin() -> bool:
    """True when the admin was created; False when the database has users already."""
    async with unit_of_work() as session:
        if await service.any_user(session):
            return False
        _, created = await service.ensure_admin(session)
        return created


async def _run() -> bool:
    try:
        return await create_first_admin()
    finally:
        await engine.dispose()


def main() -> None:
    if asyncio.run(_run()):
        print(f"[shop] the first admin: {settings.admin_email} (password ADMIN_PASSWORD)")
    else:
        print("[shop] the database has users already; no admin created")


if __name__ == "__main__":
    main()
