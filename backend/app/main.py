"""create_app(): middleware, routers, problem handlers, metrics."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from prometheus_fastapi_instrumentator import Instrumentator

from app.admin import setup_admin
from app.api import api_router
from app.auth.dependencies import optional_user
from app.core import outbox
from app.core.config import settings
from app.core.db import engine
from app.core.docs import DOCS_URL, REDOC_URL, mount_docs
from app.core.errors import register_error_handlers
from app.core.limits import BodySizeLimitMiddleware
from app.core.logging import RequestContextMiddleware, configure_logging
from app.core.media import MediaFiles
from app.core.metrics import LATENCY_BUCKETS, metrics_access, process_exiting
from app.core.openapi import install as install_openapi
from app.core.parameters import OddParameterMiddleware
from app.core.read_cache import PublicReadCacheMiddleware
from app.core.read_cache import cache as read_cache
from app.core.redis import redis
from app.core.security_headers import ADMIN_CSP, SecurityHeadersMiddleware
from app.core.sentry import init_sentry
from app.support.protocol import SOCKET_SCHEMAS
from app.web import mount_spa

DESCRIPTION = """
The shop's HTTP API. Errors are RFC 9457 problem details (`application/problem+json`)
with a stable `code`. Authenticate with `Authorization: Bearer <access_token>` from
`POST /api/v1/auth/login` (or the Authorize button, which uses `/api/v1/auth/token`).
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await read_cache.stop()
    await outbox.stop()
    await redis.aclose()
    await engine.dispose()
    process_exiting()


def create_app() -> FastAPI:
    configure_logging(settings.log_level)
    init_sentry("api")

    app = FastAPI(
        title=settings.project_name,
        description=DESCRIPTION,
        version="1.0.0",
        docs_url=None,  # mount_docs serves both pages from our own assets
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        # operationId = the endpoint's name (`list_products`): stable, readable client names.
        generate_unique_id_function=lambda route: route.name,
    )
    docs_csp = mount_docs(app)
    register_error_handlers(app)
    install_openapi(app, optional_dependency=optional_user, socket_schemas=SOCKET_SCHEMAS)
    app.include_router(api_router)
    settings.media_path.mkdir(parents=True, exist_ok=True)
    app.mount("/media", MediaFiles(directory=settings.media_path), name="media")
    setup_admin(app)

    # Innermost: a guest's catalog read answered from memory skips the router and the
    # database, but still passes every middleware added after it (CORS, limits, metrics,
    # logs).
    if settings.read_cache:
        app.add_middleware(
            PublicReadCacheMiddleware,
            paths=[
                r"/api/v1/products",
                r"/api/v1/products/[^/]+",
                r"/api/v1/categories",
                r"/api/v1/categories/\d+",
            ],
            live_params=["store_id"],  # "in stock at this store" changes with every sale
        )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "X-CSRF-Token",
            "Idempotency-Key",
            "X-Request-ID",
        ],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(OddParameterMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes + 64 * 1024,
    )
    instrumentator = Instrumentator(excluded_handlers=["/metrics", "/api/v1/health/.*"])
    instrumentator.instrument(app, latency_lowr_buckets=LATENCY_BUCKETS).expose(
        app, include_in_schema=False, dependencies=[Depends(metrics_access)]
    )
    app.add_middleware(RequestContextMiddleware)
    # Outermost, so every answer has them, the request context's own 500 included.
    app.add_middleware(
        SecurityHeadersMiddleware,
        csp_by_prefix={"/admin": ADMIN_CSP, DOCS_URL: docs_csp, REDOC_URL: docs_csp},
    )
    mount_spa(app)  # the storefront's catch-all: must stay the last route added
    return app


app = create_app()
