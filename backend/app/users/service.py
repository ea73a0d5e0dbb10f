"""Rules about users: creation, profile changes, passwords, admin changes, the purge."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import sessions
from app.auth.errors import InvalidCredentials
from app.auth.permissions import is_active_admin
from app.cart import service as cart_service
from app.core.config import settings
from app.core.db import savepoint
from app.core.jobs import enqueue
from app.core.listing import ListParams, Page
from app.core.on_commit import after_commit_async
from app.core.redis import redis
from app.core.security import hash_password, verify_password
from app.models import Profile, RoleName, User
from app.orders import service as orders_service
from app.payments import service as payments_service
from app.users import mails, repository
from app.users.errors import (
    USER_CONSTRAINTS,
    CannotChangeSelf,
    EmailTaken,
    LastAdmin,
    UserDeleted,
    UsernameTaken,
    UserNotFound,
)
from app.users.schemas import PasswordChange, UserAdminUpdate, UserUpdateMe

# No password hashes to this: a deleted user can never log in again.
UNUSABLE_PASSWORD_HASH = "!deleted"  # noqa: S105 (not a password: matches none)


async def ensure_an_admin_remains(session: AsyncSession, user: User) -> None:
    """Before `user` stops being an active admin (demoted, disabled or deleted): refuse with
    409 `last_admin` when no other active admin would remain.

    Every active admin row is locked, in id order, until the transaction ends: two admins
    removing each other at once are served one after the other, and the second sees the
    first's change (PostgreSQL re-checks a locked row's WHERE after the wait)."""
    remaining = await repository.lock_active_admin_ids(session)
    if user.id in remaining and len(remaining) == 1:
        raise LastAdmin("This is the last active admin; make another user an admin first.")


async def _ensure_unique(
    session: AsyncSession, email: str, username: str, exclude_id: int | None = None
) -> None:
    email_taken, username_taken = await repository.email_or_username_taken(
        session, email, username, exclude_id
    )
    if email_taken:
        raise EmailTaken
    if username_taken:
        raise UsernameTaken


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    username: str,
    password: str,
    full_name: str,
    role: RoleName = RoleName.customer,
    verified: bool = False,
) -> User:
    await _ensure_unique(session, email, username)
    password_hash = await hash_password(password)
    now = datetime.now(UTC)
    user = User(
        email=email,
        username=username,
        password_hash=password_hash,
        role=await repository.role(session, role),
        is_active=verified,
        is_verified=verified,
        verified_at=now if verified else None,
        profile=Profile(full_name=full_name),
    )
    async with savepoint(session, USER_CONSTRAINTS):
        session.add(user)
    # In the same transaction: nobody exists without an account to pay from.
    await payments_service.open_account(session, user)
    return user


async def any_user(session: AsyncSession) -> bool:
    """Somebody has an account (deleted ones count: their orders stay)."""
    return await repository.any_user(session)


async def ensure_admin(session: AsyncSession) -> tuple[User, bool]:
    """The admin of ADMIN_EMAIL / ADMIN_PASSWORD, created (verified) when no user has that
    e-mail; (user, created). An existing user is left as it is."""
    user = await by_email(session, settings.admin_email)
    if user is not None:
        return user, False
    admin = await create_user(
        session,
        email=settings.admin_email,
        username=settings.admin_email.split("@")[0],
        password=settings.admin_password.get_secret_value(),
        full_name="Shop Admin",
        role=RoleName.admin,
        verified=True,
    )
    return admin, True


async def by_id(session: AsyncSession, user_id: int) -> User | None:
    return await repository.get(session, user_id)


async def by_login(session: AsyncSession, login: str) -> User | None:
    """By e-mail or username, case-insensitively."""
    return await repository.by_login(session, login)


async def by_email(session: AsyncSession, email: str) -> User | None:
    return await repository.by_email(session, email)


async def list_users(session: AsyncSession, params: ListParams) -> Page[Any]:
    return await repository.list_users(session, params)


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await repository.get(session, user_id)
    if user is None:
        raise UserNotFound
    return user


async def _check_profile(session: AsyncSession, user: User, changes: dict[str, Any]) -> None:
    if "username" in changes and changes["username"].lower() != user.username.lower():
        await _ensure_unique(session, email="", username=changes["username"], exclude_id=user.id)


def _apply_profile(user: User, changes: dict[str, Any]) -> None:
    if "username" in changes:
        user.username = changes["username"]
    for field in ("full_name", "phone", "address"):
        if field in changes:
            setattr(user.profile, field, changes[field])


async def _end_sessions(session: AsyncSession, user_id: int, keep: str | None = None) -> None:
    """End the user's sessions (but `keep`) now, so the answer already holds, and once more
    after the commit: a login that read the old password or role in between ends too."""

    async def end() -> None:
        for info in await sessions.list_sessions(redis, user_id):
            if info.id != keep:
                await sessions.end_session(redis, info.id)

    await end()
    after_commit_async(session, end)


async def update_me(session: AsyncSession, user: User, data: UserUpdateMe) -> User:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    await _check_profile(session, user, changes)
    async with savepoint(session, USER_CONSTRAINTS):
        _apply_profile(user, changes)
    return user


async def change_password(
    session: AsyncSession, user: User, data: PasswordChange, keep_session_id: str
) -> None:
    """New password; every other session of the user ends."""
    if not await verify_password(data.current_password, user.password_hash):
        raise InvalidCredentials("The current password is wrong.")
    user.password_hash = await hash_password(data.new_password)
    await session.flush()
    await _end_sessions(session, user.id, keep=keep_session_id)
    _tell_password_changed(session, user, "change")


async def set_password(session: AsyncSession, user: User, new_password: str) -> None:
    """Password reset: new password and every session ends."""
    user.password_hash = await hash_password(new_password)
    await session.flush()
    await _end_sessions(session, user.id)
    _tell_password_changed(session, user, "reset")


def _tell_password_changed(session: AsyncSession, user: User, how: str) -> None:
    at = datetime.now(UTC).isoformat()
    enqueue(session, mails.send_password_changed_email, user.id, how, at)


async def delete_me(session: AsyncSession, user: User, password: str) -> None:
    """The customer leaves, confirmed with their password: see `anonymise`."""
    if not await verify_password(password, user.password_hash):
        raise InvalidCredentials("The password is wrong.")
    await anonymise(session, user)


async def anonymise(session: AsyncSession, user: User) -> None:
    """Delete a user's account without losing money or the shop's books.

    Refused (409) while an order is open (`open_orders`) or a balance is not zero
    (`balance_not_zero`). Otherwise the e-mail and username become a tombstone (both free to
    register again), the profile and cart are emptied (and the guest contact of orders they
    placed as a guest before claiming them), the password can never match, every
    session ends; the row stays, with its money account, ledger and past orders."""
    if is_active_admin(user):
        # Every active admin row locked (this one too) before this row alone, as
        # admin_update does: the same order everywhere, so no deadlock between the two.
        await ensure_an_admin_remains(session, user)
    # The user row locked first: an order being placed for them meanwhile waits, then is seen.
    await repository.lock(session, user.id)
    await orders_service.ensure_none_open(session, user.id)
    await payments_service.ensure_no_money(session, user.id)
    await cart_service.clear(session, user)
    await orders_service.forget_guest_contacts(session, user.id)
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.username = f"deleted:{user.id}"  # ':' is never in a registered username
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.is_active = False
    user.deleted_at = datetime.now(UTC)
    user.profile.full_name = user.profile.phone = user.profile.address = ""
    await session.flush()
    await _end_sessions(session, user.id)


async def admin_update(
    session: AsyncSession, admin: User, user_id: int, data: UserAdminUpdate
) -> User:
    user = await get_user(session, user_id)
    if user.deleted_at is not None:
        raise UserDeleted("A deleted account stays as it is.")
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if user.id == admin.id and (
        changes.get("is_active") is False or changes.get("role", RoleName.admin) != RoleName.admin
    ):
        raise CannotChangeSelf
    role_changed = "role" in changes and changes["role"] != user.role.name
    if is_active_admin(user) and (role_changed or changes.get("is_active") is False):
        await ensure_an_admin_remains(session, user)
    await _check_profile(session, user, changes)
    new_role = await repository.role(session, changes["role"]) if role_changed else None
    async with savepoint(session, USER_CONSTRAINTS):
        _apply_profile(user, changes)
        if new_role is not None:
            user.role = new_role
        if "is_active" in changes:
            user.is_active = changes["is_active"]
    if user.is_active is False or role_changed:
        # Locked out, or powers changed: every session ends at once (open chat sockets too),
        # so nothing keeps acting with the old role.
        await _end_sessions(session, user.id)
    return user


async def admin_delete(session: AsyncSession, admin: User, user_id: int) -> None:
    """The same rules as a customer leaving (without their password); done once."""
    user = await get_user(session, user_id)
    if user.id == admin.id:
        raise CannotChangeSelf
    if user.deleted_at is None:
        await anonymise(session, user)


async def purge_unverified(session: AsyncSession, now: datetime | None = None) -> int:
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=settings.unverified_user_ttl_hours)
    return await repository.delete_unverified_before(session, cutoff)
