"""Registration, verification, login with throttling, token rotation, password reset."""

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import sessions, tasks, tokens
from app.auth.errors import (
    AccountDisabled,
    BadOneTimeToken,
    EmailNotVerified,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
    ResetRefused,
)
from app.core import ratelimit
from app.core.config import settings
from app.core.errors import TooManyRequests
from app.core.jobs import enqueue
from app.core.metrics import LOGINS, REGISTRATIONS, count_after_commit
from app.core.ratelimit import Bucket
from app.core.redis import redis
from app.core.security import (
    PasswordHashingBusy,
    create_access_token,
    hash_password,
    hashing_pool,
    password_needs_rehash,
    token_digest,
    verify_password,
)
from app.models import User
from app.orders import service as orders_service
from app.support import service as support_service
from app.users import service as users_service
from app.users.schemas import UserRegister

VERIFY = tokens.VERIFY
RESET = tokens.RESET


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    token_type: str = "bearer"  # noqa: S105


async def _take_mail_request(route: str, ip: str, address: str) -> tuple[Bucket, ...]:
    """Count a request that may send a mail, per client IP and per target address (the same
    for a known and an unknown address), or refuse it with 429."""
    window = settings.auth_mail_window_seconds
    buckets = (
        Bucket(f"mail:{route}:ip:{ip}", settings.auth_mail_max_per_ip, window),
        Bucket(
            f"mail:{route}:to:{token_digest(address.strip().lower())}",
            settings.auth_mail_max_per_address,
            window,
        ),
    )
    await ratelimit.enforce(
        redis, *buckets, detail="Too many requests for this e-mail or from here; try again later."
    )
    return buckets


async def register(session: AsyncSession, data: UserRegister, *, ip: str) -> User:
    buckets = await _take_mail_request("register", ip, data.email)
    try:
        user = await users_service.create_user(
            session,
            email=data.email,
            username=data.username,
            password=data.password,
            full_name=data.full_name,
        )
    except PasswordHashingBusy:
        await ratelimit.refund(redis, *buckets)  # turned away before anything happened
        raise
    await _send_verification(session, user)
    count_after_commit(session, REGISTRATIONS)
    return user


async def _send_verification(session: AsyncSession, user: User) -> None:
    # The worker issues the link's token when it sends the mail: none travels on the queue.
    enqueue(session, tasks.send_verification_email, user.id)


async def signup_proof(user: User) -> str:
    """A secret for the browser that registered `user`: shown at verification, it signs them in."""
    return await tokens.issue(redis, tokens.SIGNUP, user.id, settings.verify_token_hours * 3600)


async def session_for_signup(
    session: AsyncSession, user: User, proof: str, *, ip: str, device: str
) -> IssuedTokens | None:
    """A session for the customer who just verified their address, when `proof` is the one
    their registration gave this browser (once); None otherwise (then they sign in)."""
    if await tokens.consume(redis, tokens.SIGNUP, proof) != user.id:
        return None
    return await _open_session(session, user, ip=ip, device=device)


async def verify_email(session: AsyncSession, token: str) -> User:
    user_id = await tokens.consume(redis, VERIFY, token)
    user = await users_service.by_id(session, user_id) if user_id else None
    if user is None or user.is_verified or user.deleted_at is not None:
        raise BadOneTimeToken("This verification link is invalid, used or expired.")
    user.is_verified = True
    user.is_active = True
    user.verified_at = datetime.now(UTC)
    await session.flush()
    # The address is proven: what its owner ordered as a guest is theirs now.
    await _claim_guest_orders(session, user)
    return user


async def _claim_guest_orders(session: AsyncSession, user: User) -> None:
    """Orders placed as a guest with the user's proven address, and the guest's support
    conversations about them, become the user's."""
    await orders_service.claim_guest_orders(session, user)
    await support_service.claim_guest_conversations(session, user)


async def resend_verification(session: AsyncSession, email: str, *, ip: str) -> None:
    """Always the same answer to the caller, whether or not a mail goes out."""
    await _take_mail_request("resend", ip, email)
    user = await users_service.by_email(session, email)
    if user is None or user.is_verified or user.deleted_at is not None:
        return  # unknown, verified or deleted (deleted-N@deleted.invalid): nothing sent
    await _send_verification(session, user)


def _login_buckets(ip: str, account_key: str) -> tuple[Bucket, Bucket]:
    window = settings.login_window_seconds
    return (
        Bucket(f"login_fail:ip:{ip}", settings.login_max_failures_per_ip, window),
        Bucket(f"login_fail:acct:{account_key}", settings.login_max_failures, window),
    )


async def check_password(session: AsyncSession, login: str, password: str, *, ip: str) -> User:
    """The user whose e-mail or username `login` is and whose password this is, else
    InvalidCredentials: the same answer, and about the same time, for an unknown login.

    The attempt is taken from the per-IP and per-account throttles before the password is
    checked, so however many arrive at once, at most the limit reach argon2 in a window; a
    right password (or a check the server was too busy to make) gives its attempt back."""
    hashing_pool.refuse_if_full()
    user = await users_service.by_login(session, login)
    account_key = str(user.id) if user else login.strip().lower()
    buckets = _login_buckets(ip, account_key)
    retry_after = await ratelimit.take(redis, *buckets)
    if retry_after:
        raise TooManyRequests(retry_after, "Too many failed logins; try again later.")
    try:
        ok = await verify_password(password, user.password_hash if user else None)
    except PasswordHashingBusy:
        await ratelimit.refund(redis, *buckets)
        raise
    if user is None or not ok:
        raise InvalidCredentials
    await ratelimit.refund(redis, *buckets)
    return user


async def login(
    session: AsyncSession, login: str, password: str, *, ip: str, device: str
) -> IssuedTokens:
    try:
        issued = await _login(session, login, password, ip=ip, device=device)
    except (InvalidCredentials, EmailNotVerified, AccountDisabled):
        LOGINS.labels("failed").inc()
        raise
    except TooManyRequests:
        LOGINS.labels("throttled").inc()
        raise
    except PasswordHashingBusy:
        LOGINS.labels("busy").inc()
        raise
    LOGINS.labels("ok").inc()
    return issued


async def _login(
    session: AsyncSession, login: str, password: str, *, ip: str, device: str
) -> IssuedTokens:
    user = await check_password(session, login, password, ip=ip)
    if not user.is_verified:
        raise EmailNotVerified("Confirm your e-mail address first; we can send the link again.")
    if not user.is_active:
        raise AccountDisabled("This account has been disabled.")
    if password_needs_rehash(user.password_hash):
        with contextlib.suppress(PasswordHashingBusy):  # then at a later login
            user.password_hash = await hash_password(password)
    return await _open_session(session, user, ip=ip, device=device)


async def _open_session(session: AsyncSession, user: User, *, ip: str, device: str) -> IssuedTokens:
    user.last_login_at = datetime.now(UTC)
    await session.flush()
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
    user = await users_service.by_id(session, user_id)
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


async def end_other_sessions(user: User, keep_session_id: str) -> int:
    ended = 0
    for info in await sessions.list_sessions(redis, user.id):
        if info.id != keep_session_id:
            ended += await sessions.end_session(redis, info.id)
    return ended


async def request_password_reset(session: AsyncSession, email: str, *, ip: str) -> None:
    await _take_mail_request("reset", ip, email)
    user = await users_service.by_email(session, email)
    if user is None or user.deleted_at is not None or (user.is_verified and not user.is_active):
        return  # unknown, deleted or disabled: the same 202, nothing sent
    enqueue(session, tasks.send_password_reset_email, user.id)


async def send_password_reset(session: AsyncSession, user_id: int, *, ip: str) -> User:
    """Staff send a user the reset link (the same mail and limits as "forgot password")."""
    user = await users_service.get_user(session, user_id)
    if user.deleted_at is not None:
        raise ResetRefused("The account was deleted; nobody can log in to it.")
    if user.is_verified and not user.is_active:
        raise ResetRefused(f"{user.username} is disabled; enable the account first.")
    await _take_mail_request("reset", ip, user.email)
    enqueue(session, tasks.send_password_reset_email, user.id)
    return user


async def confirm_password_reset(session: AsyncSession, token: str, new_password: str) -> None:
    user_id = await tokens.consume(redis, RESET, token)
    user = await users_service.by_id(session, user_id) if user_id else None
    if user is None or user.deleted_at is not None:  # a link mailed before they left
        raise BadOneTimeToken("This reset link is invalid, used or expired.")
    await users_service.set_password(session, user, new_password)
    # The link came to the mailbox, so the address is proven.
    if not user.is_verified:
        user.is_verified = True
        user.is_active = True
        user.verified_at = datetime.now(UTC)
        await session.flush()
        await _claim_guest_orders(session, user)
    await session.flush()
