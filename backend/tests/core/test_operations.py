"""Health, docs, metrics, settings and the migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import ValidationError

from app.core.config import Settings
from app.core.db import create_engine, engine
from app.core.redis import create_redis
from app.health import router as health
from app.models import Base


async def test_live_and_ready(client):
    assert (await client.get("/api/v1/health/live")).json()["status"] == "ok"
    ready = await client.get("/api/v1/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgres": "ok", "redis": "ok"}


async def test_ready_is_503_when_redis_is_unreachable(client, monkeypatch):
    unreachable = create_redis("redis://127.0.0.1:1/0")
    monkeypatch.setattr(health, "redis", unreachable)
    response = await client.get("/api/v1/health/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "redis" in response.json()["detail"] and "Retry-After" in response.headers
    assert (await client.get("/api/v1/health/live")).status_code == 200


async def test_ready_is_503_when_postgres_is_unreachable(client, monkeypatch):
    dead = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/shop", pool_size=1)
    monkeypatch.setattr(health, "engine", dead)
    response = await client.get("/api/v1/health/ready")
    assert response.status_code == 503 and "postgres" in response.json()["detail"]
    await dead.dispose()


async def test_openapi_docs_and_metrics(client):
    assert (await client.get("/api/docs")).status_code == 200
    assert (await client.get("/api/redoc")).status_code == 200
    schema = (await client.get("/api/openapi.json")).json()
    assert "/api/v1/auth/login" in schema["paths"]
    assert "/api/v1/users/{user_id}" in schema["paths"]
    await client.get("/api/v1/users/me")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and "http_requests_total" in metrics.text


def test_production_refuses_default_secrets():
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production")
    strong = Settings(
        environment="production",
        secret_key="s" * 40,
        webhook_secret="w" * 40,
        admin_password="a-strong-admin-password",
    )
    assert strong.environment == "production"
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(
            environment="production",
            secret_key="short",
            webhook_secret="w" * 40,
            admin_password="a-strong-admin-password",
        )


def test_only_development_is_development():
    """`test` is not development: the dev server's own origins are not allowed there."""
    assert Settings(environment="development", port=8123).is_development
    for environment in ("test", "production"):
        settings = Settings(
            environment=environment,
            port=8123,
            secret_key="s" * 40,
            webhook_secret="w" * 40,
            admin_password="a-strong-admin-password",
        )
        assert not settings.is_development
        assert "http://127.0.0.1:8123" not in settings.allowed_origins


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("database_url", "mysql://shop@127.0.0.1/shop"),
        ("database_url", "postgresql://shop@127.0.0.1/shop"),  # not the asyncpg driver
        ("redis_url", "http://127.0.0.1:6379/0"),
        ("frontend_url", "shop.example"),
        ("cors_origins", ["ftp://shop.example"]),
        ("sentry_dsn", "not a dsn"),
    ],
)
def test_a_malformed_url_setting_stops_the_start(field, value):
    with pytest.raises(ValidationError, match=field):
        Settings(**{field: value})


def test_url_settings_are_kept_as_written():
    settings = Settings(
        database_url="postgresql+asyncpg://postgres@/shop?host=/tmp/pg",
        redis_url="redis://127.0.0.1:6379/3",
        frontend_url="https://shop.example",
        sentry_dsn="",
    )
    assert settings.database_url == "postgresql+asyncpg://postgres@/shop?host=/tmp/pg"
    assert settings.frontend_url == "https://shop.example"
    assert settings.redis_url == "redis://127.0.0.1:6379/3"
    assert settings.sentry_dsn is None


async def test_migrations_match_the_models():
    """The schema Alembic built is exactly what the models declare."""

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
