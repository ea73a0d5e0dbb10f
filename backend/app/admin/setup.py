"""Mount the panel at /admin on the FastAPI app."""

import logging
from pathlib import Path

from fastapi import FastAPI
from jinja2 import pass_context
from jinja2.runtime import Context
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqladmin import Admin
from sqladmin.authentication import login_required
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from app.admin import dashboard
from app.admin.auth import AdminAuth
from app.admin.authorization import RoleGrants
from app.admin.middleware import AdminCsrfMiddleware, AdminHeadersMiddleware, csp_nonce
from app.admin.views import ADMIN_VIEWS
from app.admin.views.base import AdminChangeRefused, money
from app.core.config import settings
from app.core.db import ShopSession, engine, unit_of_work
from app.core.errors import db_error_handler, unavailable_handler
from app.models import RoleName

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The panel's own script files (no inline scripts or on...= handlers: the CSP refuses them).
STATICS_DIR = Path(__file__).resolve().parent / "statics"
BASE_URL = "/admin"


class RefusalsAreInfo(logging.Filter):
    """SQLAdmin logs every exception of a save with its traceback at ERROR; a change the
    shop's rules refused is no error of the app: one INFO line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, AdminChangeRefused):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args, record.exc_info = f"admin change refused: {exc}", (), None
        return True


@pass_context
def _csp_nonce(context: Context) -> str:
    """`<script nonce="{{ csp_nonce() }}">`: the nonce the CSP of this very response allows."""
    request: Request = context["request"]
    return csp_nonce(request.scope)


class ShopAdmin(Admin):
    @login_required
    async def index(self, request: Request) -> Response:
        """The dashboard (SQLAdmin's documented place for one)."""
        is_admin = getattr(request.state, "staff_role", None) == RoleName.admin
        async with unit_of_work() as session:
            board = await dashboard.build(session, with_money=is_admin)
        return await self.templates.TemplateResponse(
            request,
            "shop/dashboard.html",
            {"board": board, "is_admin": is_admin, "money": money},
        )


def setup_admin(app: FastAPI) -> Admin:
    authentication = AdminAuth()
    admin = ShopAdmin(
        app,
        # Its own factory on the shared engine: SQLAdmin reconfigures the one it is given.
        session_maker=async_sessionmaker(
            engine, expire_on_commit=False, autoflush=False, sync_session_class=ShopSession
        ),
        base_url=BASE_URL,
        title=f"{settings.project_name} admin",
        templates_dir=str(TEMPLATES_DIR),
        # Listed first = outermost: the CSRF check runs before the session or any form parsing.
        middlewares=[Middleware(AdminHeadersMiddleware), Middleware(AdminCsrfMiddleware)],
        authentication_backend=authentication,
        authorization_backend=RoleGrants(),
    )
    authentication.templates = admin.templates
    admin.templates.env.globals["csp_nonce"] = _csp_nonce
    # /admin/statics/shop/...: put before SQLAdmin's /statics mount, which would answer 404.
    admin.admin.router.routes.insert(
        0, Mount("/statics/shop", StaticFiles(directory=STATICS_DIR), name="shop-statics")
    )
    logging.getLogger("sqladmin.application").addFilter(RefusalsAreInfo())
    # A database or Redis outage answers 503, as the API does, rather than a 500 page.
    for exc_type in (
        RedisConnectionError,
        RedisTimeoutError,
        PoolTimeoutError,
        ConnectionError,
        TimeoutError,
    ):
        admin.admin.add_exception_handler(exc_type, unavailable_handler)
    # Starlette types every handler as taking any Exception; this one is called with DBAPIError.
    admin.admin.add_exception_handler(DBAPIError, db_error_handler)  # type: ignore[arg-type]
    for view in ADMIN_VIEWS:
        admin.add_view(view)
    return admin
