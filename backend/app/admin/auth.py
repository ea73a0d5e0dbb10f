"""Who may use the panel: active admins, by e-mail or username and password.

The signed session cookie (Starlette's SessionMiddleware) holds the user id and the id of
a session in the same Redis store as the API's, so logging out, a password reset or
"end all sessions" ends panel sessions too. Every request re-checks that the session is
alive and that the user still exists, is active and is an admin.
"""

from datetime import UTC, datetime

from sqladmin.authentication import AuthenticationBackend
from sqladmin.templating import Jinja2Templates
from sqlalchemy import update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.auth import sessions
from app.core import ratelimit
from app.core.config import settings
from app.core.db import SessionFactory
from app.core.redis import redis
from app.core.security import verify_password
from app.models import RoleName, User
from app.users import repository as users_repo

SESSION_COOKIE = "shop_admin"
SESSION_SECONDS = 8 * 3600
DEVICE_PREFIX = "Admin panel"


def may_enter(user: User | None) -> bool:
    return user is not None and user.is_active and user.role.name == RoleName.admin


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _form_text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


class AdminAuth(AuthenticationBackend):
    def __init__(self) -> None:
        super().__init__(
            secret_key=settings.secret_key.get_secret_value(),
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_SECONDS,
            path="/admin",
            same_site="strict",
            https_only=settings.environment == "production",
        )
        self.templates: Jinja2Templates | None = None  # the Admin's, set by setup_admin

    async def login(self, request: Request) -> Response | bool:
        form = await request.form()
        login = _form_text(form.get("username"), 254).strip()
        password = _form_text(form.get("password"), 128)
        if not login or not password:
            return False
        ip = _client_ip(request)

        async with SessionFactory() as session:
            user = await users_repo.by_login(session, login)
        # The same counters as the API's login, so the two cannot be played off each other.
        account_key = str(user.id) if user else login.lower()
        for key, limit in (
            (f"login_fail:ip:{ip}", settings.login_max_failures_per_ip),
            (f"login_fail:acct:{account_key}", settings.login_max_failures),
        ):
            retry_after = await ratelimit.retry_after_if_over(redis, key, limit)
            if retry_after is not None:
                return await self._login_page(
                    request, "Too many failed logins; try again later.", 429, retry_after
                )

        ok = await run_in_threadpool(
            verify_password, password, user.password_hash if user else None
        )
        if user is None or not ok:
            for key in (f"login_fail:ip:{ip}", f"login_fail:acct:{account_key}"):
                await ratelimit.hit(redis, key, settings.login_window_seconds)
            return False
        if not may_enter(user):
            return False  # the same answer as a wrong password: the panel does not say who exists

        await redis.delete(f"login_fail:acct:{account_key}")
        device = f"{DEVICE_PREFIX}: {request.headers.get('user-agent', '')}"
        # A panel session lives as long as its cookie, not as long as an API refresh token.
        sid, _ = await sessions.create_session(
            redis, user.id, ip=ip, device=device, ttl=SESSION_SECONDS
        )
        async with SessionFactory() as session, session.begin():
            await session.execute(
                update(User).where(User.id == user.id).values(last_login_at=datetime.now(UTC))
            )
        request.session.clear()
        request.session.update({"user_id": user.id, "sid": sid})
        return True

    async def logout(self, request: Request) -> Response | bool:
        sid = request.session.get("sid")
        if isinstance(sid, str):
            await sessions.end_session(redis, sid)
        request.session.clear()
        return RedirectResponse(request.url_for("admin:login"), status_code=302)

    async def authenticate(self, request: Request) -> Response | bool:
        user_id, sid = request.session.get("user_id"), request.session.get("sid")
        if not isinstance(user_id, int) or not isinstance(sid, str):
            return False
        if await sessions.session_user_id(redis, sid) != user_id:
            request.session.clear()
            return False
        async with SessionFactory() as session:
            user = await users_repo.get(session, user_id)
        if not may_enter(user):
            # Disabled, demoted or deleted: out at once, and this session is over.
            await sessions.end_session(redis, sid)
            request.session.clear()
            return False
        await sessions.touch(redis, sid)
        return True

    async def _login_page(
        self, request: Request, error: str, status_code: int, retry_after: int
    ) -> Response:
        assert self.templates is not None
        response = await self.templates.TemplateResponse(
            request, "sqladmin/login.html", {"error": error}, status_code=status_code
        )
        response.headers["Retry-After"] = str(retry_after)
        return response
