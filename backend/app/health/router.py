import asyncio

from fastapi import APIRouter
from sqlalchemy import text

from app.core.db import engine
from app.core.errors import ServiceUnavailable, problem_responses
from app.core.redis import redis
from app.core.schemas import Schema

router = APIRouter(prefix="/health", tags=["health"])
CHECK_TIMEOUT = 2.0


class Health(Schema):
    status: str
    checks: dict[str, str] = {}


@router.get("/live", response_model=Health)
async def live() -> Health:
    """The process is up (no dependency is checked)."""
    return Health(status="ok")


async def _check_postgres() -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _check_redis() -> None:
    await redis.ping()


@router.get("/ready", response_model=Health, responses=problem_responses(ServiceUnavailable))
async def ready() -> Health:
    """PostgreSQL and Redis answer; 503 problem naming the one that does not."""
    checks: dict[str, str] = {}
    for name, check in (("postgres", _check_postgres), ("redis", _check_redis)):
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT)
            checks[name] = "ok"
        except Exception as exc:  # any failure means not ready
            checks[name] = f"unavailable: {type(exc).__name__}"
    failing = [name for name, state in checks.items() if state != "ok"]
    if failing:
        raise ServiceUnavailable(f"Not ready: {', '.join(failing)} unreachable.")
    return Health(status="ok", checks=checks)
