"""Queries on users."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import affected_rows
from app.core.listing import Filter, ListParams, ListSpec, Page, paginate, search_columns
from app.models import Account, Profile, Role, RoleName, Transaction, User

USER_LIST = ListSpec(
    filters={
        "id": Filter(User.id, int),
        "email": Filter(User.email),
        "username": Filter(User.username),
        "role": Filter(Role.name, RoleName),
        "is_active": Filter(User.is_active, bool, ("eq",)),
        "is_verified": Filter(User.is_verified, bool, ("eq",)),
        "created_at": Filter(User.created_at, datetime, ("gte", "lte")),
        "full_name": Filter(Profile.full_name),
    },
    sorts={
        "id": User.id,
        "email": User.email,
        "username": User.username,
        "created_at": User.created_at,
        "last_login_at": User.last_login_at,
    },
    default_sort=[User.created_at.desc()],
    search=search_columns(User.email, User.username, Profile.full_name),
    tiebreak=User.id.desc(),
)


def _users() -> Select[User]:
    return select(User)


async def get(session: AsyncSession, user_id: int) -> User | None:
    return await session.scalar(_users().where(User.id == user_id))


async def by_login(session: AsyncSession, login: str) -> User | None:
    """By e-mail or username, case-insensitively."""
    login = login.strip().lower()
    return await session.scalar(
        _users().where(or_(func.lower(User.email) == login, func.lower(User.username) == login))
    )


async def by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(_users().where(func.lower(User.email) == email.strip().lower()))


async def any_user(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(select(User.id).exists())))


async def email_or_username_taken(
    session: AsyncSession, email: str, username: str, exclude_id: int | None = None
) -> tuple[bool, bool]:
    query = select(func.lower(User.email), func.lower(User.username)).where(
        or_(func.lower(User.email) == email.lower(), func.lower(User.username) == username.lower())
    )
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    rows = (await session.execute(query)).all()
    return (any(r[0] == email.lower() for r in rows), any(r[1] == username.lower() for r in rows))


async def lock_active_admin_ids(session: AsyncSession) -> list[int]:
    """Ids of the active admins, their rows locked FOR UPDATE in id order (no deadlock
    between two callers) until the transaction ends."""
    admin_role = select(Role.id).where(Role.name == RoleName.admin).scalar_subquery()
    return list(
        await session.scalars(
            select(User.id)
            .where(User.role_id == admin_role, User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
    )


async def role(session: AsyncSession, name: str) -> Role:
    return (await session.scalars(select(Role).where(Role.name == name))).one()


async def lock(session: AsyncSession, user_id: int) -> None:
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def delete_unverified_before(session: AsyncSession, cutoff: datetime) -> int:
    """Remove users who never verified, with their empty money accounts; one whose account has
    ledger entries (a credit by the provider) stays, so no money leaves the books."""
    has_ledger = (
        select(Transaction.id)
        .join(Account, Account.id == Transaction.account_id)
        .where(Account.user_id == User.id)
        .exists()
    )
    doomed = (
        select(User.id)
        .where(User.is_verified.is_(False), User.created_at < cutoff, ~has_ledger)
        .cte("doomed")
    )
    await session.execute(delete(Account).where(Account.user_id.in_(select(doomed.c.id))))
    result = await session.execute(delete(User).where(User.id.in_(select(doomed.c.id))))
    return affected_rows(result)


async def list_users(session: AsyncSession, params: ListParams) -> Page[Any]:
    query = select(User).join(User.role).outerjoin(User.profile)
    return await paginate(session, query, USER_LIST, params)
