"""Engine, sessions and the one-commit-per-request dependency."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from app.core.config import settings


def create_engine(url: str | None = None, **overrides) -> AsyncEngine:
    options = {
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "connect_args": {
            "timeout": 5,
            "command_timeout": settings.db_command_timeout,
            "server_settings": {"application_name": "shop", "timezone": "UTC"},
        },
    }
    options.update(overrides)
    return create_async_engine(url or settings.database_url, **options)


class ShopSession(Session):
    """Sync session class under AsyncSession: carries jobs to send after commit."""


engine = create_engine()
SessionFactory = async_sessionmaker(
    engine, expire_on_commit=False, autoflush=False, sync_session_class=ShopSession
)


@event.listens_for(ShopSession, "after_commit")
def _send_jobs_after_commit(session: Session) -> None:
    jobs = session.info.pop("after_commit", [])
    for job in jobs:
        job()


@event.listens_for(ShopSession, "after_soft_rollback")
def _drop_jobs_on_rollback(session: Session, previous_transaction) -> None:
    session.info.pop("after_commit", None)


async def get_session() -> AsyncIterator[AsyncSession]:
    """One session per request, committed once after the endpoint, before the response."""
    async with SessionFactory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
