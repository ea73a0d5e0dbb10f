"""Mount the panel at /admin on the FastAPI app."""

from pathlib import Path

from fastapi import FastAPI
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqladmin import Admin
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.middleware import Middleware

from app.admin.auth import AdminAuth
from app.admin.middleware import AdminCsrfMiddleware, AdminHeadersMiddleware
from app.admin.views import ADMIN_VIEWS
from app.core.config import settings
from app.core.db import ShopSession, engine
from app.core.errors import db_error_handler, unavailable_handler

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
BASE_URL = "/admin"


def setup_admin(app: FastAPI) -> Admin:
    authentication = AdminAuth()
    admin = Admin(
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
    )
    authentication.templates = admin.templates
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
