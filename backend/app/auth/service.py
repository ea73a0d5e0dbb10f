"""Registration, verification, login with throttling, token rotation, password reset."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from app.auth import sessions, tasks, tokens
from app.auth.errors import (
    AccountDisabled,
    BadOneTimeToken,
    EmailNotVerified,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
)
from app.core import ratelimit
from app.core.config import settings
from app.core.errors import TooManyRequests
from app.core.jobs import enqueue
from app.core.redis import redis
from app.core.security import (
    create_access_token,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from app.models import User
from app.users import repository as users_repo
from app.users import service as users_service
from app.users.schemas import UserRegister

VERIFY = "verify"
RESET = "reset"


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    token_type: str = "bearer"  # noqa: S105


async def register(session: AsyncSession, data: UserRegister) -> User:
    user = await users_service.create_user(
        session,
        email=data.email,
        username=data.username,
        password=data.password,
        full_name=data.full_name,
    )
    await _send_verification(session, user)
    return user


async def _send_verification(session: AsyncSession, user: User) -> None:
    token = await tokens.issue(redis, VERIFY, user.id, settings.verify_token_hours * 3600)
    enqueue(session, tasks.send_verification_email, user.id, token)


async def verify_email(session: AsyncSession, token: str) -> User:
    user_id = await tokens.consume(redis, VERIFY, token)
    user = await users_repo.get(session, user_id) if user_id else None
    if user is None or user.is_verified or user.deleted_at is not None:
        raise BadOneTimeToken("This verification link is invalid, used or expired.")
    user.is_verified = True
    user.is_active = True
    user.verified_at = datetime.now(UTC)
    await session.flush()
    return user


async def resend_verification(session: AsyncSession, email: str) -> None:
    """Always the same answer to the caller; at most 3 mails per address per 15 minutes."""
    user = await users_repo.by_email(session, email)
    if user is None or user.is_verified:
        return
    if await ratelimit.hit(redis, f"resend:{user.id}", 900) > 3:
        return
    await _send_verification(session, user)


async def _check_throttle(ip: str, account_key: str) -> None:
    for key, limit in (
        (f"login_fail:ip:{ip}", settings.login_max_failures_per_ip),
        (f"login_fail:acct:{account_key}", settings.login_max_failures),
    ):
        retry_after = await ratelimit.retry_after_if_over(redis, key, limit)
        if retry_after is not None:
            raise TooManyRequests(retry_after, "Too many failed logins; try again later.")


async def _count_failure(ip: str, account_key: str) -> None:
    for key in (f"login_fail:ip:{ip}", f"login_fail:acct:{account_key}"):
        await ratelimit.hit(redis, key, settings.login_window_seconds)


async def login(
    session: AsyncSession, login: str, password: str, *, ip: str, device: str
) -> IssuedTokens:
    """Same answer and about the same time for an unknown login and a wrong password."""
    user = await users_repo.by_login(session, login)
    account_key = str(user.id) if user else login.strip().lower()
    await _check_throttle(ip, account_key)
    ok = await run_in_threadpool(verify_password, password, user.password_hash if user else None)
    if user is None or not ok:
        await _count_failure(ip, account_key)
        raise InvalidCredentials
    if not user.is_verified:
        raise EmailNotVerified("Confirm your e-mail address first; we can send the link again.")
    if not user.is_active:
        raise AccountDisabled("This account has been disabled.")
    if password_needs_rehash(user.password_hash):
        user.password_hash = await run_in_threadpool(hash_password, password)
    user.last_login_at = datetime.now(UTC)
    await session.flush()
    await redis.delete(f"login_fail:acct:{account_key}")
    sid, refresh = await sessions.create_session(redis, user.id, ip=ip, device=device)
    access, expires_in = create_access_token(user.id, sid)
    return IssuedTokens(access, refresh, expires_in, sid)


async def refresh(session: AsyncSession, refresh_token: str, *, ip: str) -> IssuedTokens:
    try:
        rotated = await sessions.rotate_refresh(redis, refresh_token, ip=ip)
    except sessions.RefreshReused:
        raise RefreshTokenReused from None
    if rotated is None:
        raise InvalidToken("The refresh token is invalid or expired.")
    sid, user_id, new_refresh = rotated
    user = await users_repo.get(session, user_id)
    if user is None or not user.is_active:
        await sessions.end_session(redis, sid)
        raise InvalidToken("The account is no longer active.")
    access, expires_in = create_access_token(user.id, sid)
    return IssuedTokens(access, new_refresh, expires_in, sid)


async def logout(session_id: str) -> None:
    await sessions.end_session(redis, session_id)


async def list_sessions(user: User) -> list[sessions.SessionInfo]:
    return await sessions.list_sessions(redis, user.id)


async def end_own_session(user: User, session_id: str) -> bool:
    if await sessions.session_user_id(redis, session_id) != user.id:
        return False
    return await sessions.end_session(redis, session_id)


async def request_password_reset(session: AsyncSession, email: str) -> None:
    user = await users_repo.by_email(session, email)
    if user is None or (user.is_verified and not user.is_active):
        return  # unknown or disabled: the same 202, nothing sent
    if await ratelimit.hit(redis, f"reset_mail:{user.id}", 900) > 3:
        return
    token = await tokens.issue(redis, RESET, user.id, settings.reset_token_minutes * 60)
    enqueue(session, tasks.send_password_reset_email, user.id, token)


async def confirm_password_reset(session: AsyncSession, token: str, new_password: str) -> None:
    user_id = await tokens.consume(redis, RESET, token)
    user = await users_repo.get(session, user_id) if user_id else None
    if user is None or user.deleted_at is not None:  # a link mailed before they left
        raise BadOneTimeToken("This reset link is invalid, used or expired.")
    await users_service.set_password(session, user, new_password)
    # The link came to the mailbox, so the address is proven.
    if not user.is_verified:
        user.is_verified = True
        user.is_active = True
        user.verified_at = datetime.now(UTC)
    await session.flush()
