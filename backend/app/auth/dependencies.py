"""Who is calling: bearer token -> live Redis session -> active user in the database."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit_service
from app.auth import sessions
from app.auth.errors import AccountDisabled, InsufficientRole
from app.auth.permissions import STAFF_ROLES, has_role, is_staff
from app.core.db import SessionDep, unit_of_work
from app.core.errors import Unauthorized
from app.core.redis import redis
from app.core.security import decode_access_token
from app.core.sentry import tag_user
from app.models import RoleName, User
from app.users import service as users_service

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def authenticate_token(session: AsyncSession, token: str | None) -> tuple[User, str]:
    """The user and session id behind an access token, or Unauthorized / AccountDisabled."""
    claims = decode_access_token(token) if token else None
    if claims is None:
        raise Unauthorized("A valid access token is required.")
    user_id, sid = int(claims["sub"]), str(claims["sid"])
    if await sessions.session_user_id_touched(redis, sid) != user_id:
        raise Unauthorized("The session has ended; log in again.")
    user = await users_service.by_id(session, user_id)
    if user is None:
        raise Unauthorized("The session has ended; log in again.")
    if not user.is_active:
        raise AccountDisabled
    tag_user(user.id)
    return user, sid


async def current_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    user, sid = await authenticate_token(session, token)
    request.state.session_id = sid
    if is_staff(user):
        # What staff change through the API goes to the audit log, as the panel's writes do.
        audit_service.act_as(session, user, ip=client_ip(request), source="api")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def optional_user(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    """The caller when a token is sent (a bad one is still 401), else None. Its own short
    session, opened only for a token: an anonymous read (the catalog's) opens none."""
    if token is None:
        return None
    async with unit_of_work() as session:
        return await current_user(request, session, token)


OptionalUser = Annotated[User | None, Depends(optional_user)]


def require_roles(*roles: RoleName) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only users of these roles through (403 otherwise)."""

    async def guard(user: CurrentUser) -> User:
        if not has_role(user, *roles):
            raise InsufficientRole
        return user

    return guard


AdminUser = Annotated[User, Depends(require_roles(RoleName.admin))]
StaffUser = Annotated[User, Depends(require_roles(*STAFF_ROLES))]


def current_session_id(request: Request) -> str:
    session_id: str = request.state.session_id
    return session_id


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""
