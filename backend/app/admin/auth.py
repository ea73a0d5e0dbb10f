"""Who may use the panel: active staff (admins, and support with fewer views, see
app.admin.authorization), by e-mail or username and password.

The signed session cookie (Starlette's SessionMiddleware) holds the user id and the id of
a session in the same Redis store as the API's, so logging out, a password reset or
"end all sessions" ends panel sessions too. Every request re-checks that the session is
alive and that the user still exists, is active and is staff.
"""

from datetime import UTC, datetime

from sqladmin.authentication import AuthenticationBackend
from sqladmin.templating import Jinja2Templates
from sqlalchemy import update
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.auth import sessions
from app.auth.errors import InvalidCredentials
from app.auth.permissions import is_staff
from app.auth.service import check_password
from app.core.config import settings
from app.core.db import unit_of_work
from app.core.errors import TooManyRequests
from app.core.redis import redis
from app.core.security import PasswordHashingBusy
from app.models import User
from app.users import service as users_service

SESSION_COOKIE = "shop_admin"
SESSION_SECONDS = 8 * 3600
DEVICE_PREFIX = "Admin panel"


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

        # The same throttles and hashing pool as the API's login, so the two cannot be played
        # off each other.
        try:
            async with unit_of_work() as session:
                user = await check_password(session, login, password, ip=ip)
        except InvalidCredentials:
            return False
        except (TooManyRequests, PasswordHashingBusy) as exc:
            retry_after = int((exc.headers or {}).get("Retry-After", "1"))
            return await self._login_page(request, exc.detail, exc.status, retry_after)
        if not (user.is_active and is_staff(user)):
            # The password was right, so say what is wrong rather than "Invalid credentials".
            return await self._login_page(
                request, "This account has no access to the admin panel.", 403, None
            )

        device = f"{DEVICE_PREFIX}: {request.headers.get('user-agent', '')}"
        # A panel session lives as long as its cookie, not as long as an API refresh token.
        sid, _ = await sessions.create_session(
            redis, user.id, ip=ip, device=device, ttl=SESSION_SECONDS
        )
        async with unit_of_work() as session:
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
        if await sessions.session_user_id_touched(redis, sid) != user_id:
            request.session.clear()
            return False
        async with unit_of_work() as session:
            user = await users_service.by_id(session, user_id)
        if user is None or not (user.is_active and is_staff(user)):
            # Disabled, demoted or deleted: out at once, and this session is over.
            await sessions.end_session(redis, sid)
            request.session.clear()
            return False
        request.state.staff_role = user.role.name
        return True

    async def _login_page(
        self, request: Request, error: str, status_code: int, retry_after: int | None
    ) -> Response:
        assert self.templates is not None
        response = await self.templates.TemplateResponse(
            request, "sqladmin/login.html", {"error": error}, status_code=status_code
        )
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
