"""Engine, sessions, the one-commit-per-request dependency, `unit_of_work()` for work outside
a request, `read()` for hot read-only paths (no transaction, no ping), and `savepoint()`,
which turns a violated constraint into a domain error."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar

import asyncpg
import orjson
from fastapi import Depends
from sqlalchemy import event, exc
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_

from app.core.config import settings
from app.core.errors import AppError
from app.core.metrics import (
    DB_POOL_IN_USE,
    DB_POOL_MAX,
    DB_POOL_OVERFLOW,
    DB_POOL_TIMEOUTS,
    DB_POOL_WAIT_SECONDS,
    DB_POOL_WAITS,
)

# asyncpg's ways of saying "no server to talk to": a missing unix socket (FileNotFoundError),
# refused or reset connections and timeouts (all OSError), a server starting up or shutting
# down, or out of connection slots.
_UNREACHABLE = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)


def create_engine(url: str | None = None, **overrides: Any) -> AsyncEngine:
    options: dict[str, Any] = {
        # The checkout listener below pings with a timeout; SQLAlchemy's pre-ping waits as long
        # as the command timeout, so a hung server held each request for 15 s and more.
        "pool_pre_ping": False,
        "pool_recycle": 1800,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        # JSON columns (attributes, opening hours) read by orjson: the stdlib's decoder was 8%
        # of a catalog page's CPU. Writes keep the stdlib encoder (it knows Decimal).
        "json_deserializer": orjson.loads,
        "connect_args": {
            "timeout": settings.db_connect_timeout,
            "command_timeout": settings.db_command_timeout,
            "server_settings": {"application_name": "shop", "timezone": "UTC"},
        },
    }
    options.update(overrides)
    engine = create_async_engine(url or settings.database_url, **options)
    event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
    event.listen(engine.sync_engine.pool, "connect", _mark_fresh)
    event.listen(engine.sync_engine.pool, "checkout", _ping_with_timeout)
    return engine


def _connect_or_unavailable(
    dialect: Dialect, conn_rec: ConnectionPoolEntry, cargs: Any, cparams: Any
) -> DBAPIConnection:
    """Connect; an unreachable server is a DBAPI OperationalError (SQLAlchemy's
    OperationalError, a 503 in app.core.errors), not a bare FileNotFoundError (a 500)."""
    try:
        connection: DBAPIConnection = dialect.loaded_dbapi.connect(*cargs, **cparams)
        return connection
    except _UNREACHABLE as error:
        raise dialect.loaded_dbapi.OperationalError(
            f"PostgreSQL unreachable: {type(error).__name__}: {error}"
        ) from error


def _mark_fresh(dbapi_connection: DBAPIConnection, connection_record: ConnectionPoolEntry) -> None:
    connection_record.info["fresh"] = True


def _ping_with_timeout(
    dbapi_connection: DBAPIConnection, connection_record: ConnectionPoolEntry, proxy: Any
) -> None:
    """Before a pooled connection is handed out, check it answers within DB_PING_TIMEOUT; if
    not, drop it at once (a hung server would not answer a graceful close either) and let the
    pool connect anew, which fails fast when the server is still away."""
    if connection_record.info.pop("fresh", False):
        return  # just connected: it answered a moment ago
    if _reading.get():
        return  # read(): a dead connection costs a retry there, not a round trip here
    driver = connection_record.driver_connection
    assert driver is not None  # a checked-out connection has its driver's
    try:
        await_(asyncio.wait_for(driver.fetchval("SELECT 1"), settings.db_ping_timeout))
    except Exception as error:
        driver.terminate()
        raise exc.DisconnectionError(f"ping failed: {type(error).__name__}") from error


T = TypeVar("T")
# Set while read() checks a connection out: the ping above is skipped for it.
_reading: ContextVar[bool] = ContextVar("reading", default=False)


class MeasuredPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's pool for asyncio, counting the checkouts that had to wait and for how long
    (SQLAlchemy has no event for a wait)."""

    def __init__(self, creator: Any, pool_size: int = 5, max_overflow: int = 10, **kwargs: Any):
        super().__init__(creator, pool_size=pool_size, max_overflow=max_overflow, **kwargs)
        self.max_connections = pool_size + max_overflow

    def _do_get(self) -> ConnectionPoolEntry:
        exhausted = self.checkedin() == 0 and self.checkedout() >= self.max_connections
        started = time.perf_counter()
        try:
            return super()._do_get()
        except exc.TimeoutError:
            DB_POOL_TIMEOUTS.inc()
            raise
        finally:
            if exhausted:
                DB_POOL_WAITS.inc()
            DB_POOL_WAIT_SECONDS.observe(time.perf_counter() - started)


def _report_pool_usage(returning: int) -> None:
    # The engine's pool now: dispose() replaces it (and carries these listeners over).
    pool = engine.sync_engine.pool
    if isinstance(pool, MeasuredPool):
        DB_POOL_MAX.set(pool.max_connections)
        DB_POOL_IN_USE.set(pool.checkedout() - returning)
        DB_POOL_OVERFLOW.set(max(pool.overflow(), 0))


def _checked_out(*args: Any) -> None:
    _report_pool_usage(0)


def _checked_in(*args: Any) -> None:
    _report_pool_usage(1)  # the checkin event comes before the pool takes the connection back


class ShopSession(Session):
    """Sync session class under AsyncSession: carries jobs to send after commit."""


engine = create_engine(poolclass=MeasuredPool)
event.listen(engine.sync_engine.pool, "checkout", _checked_out)
event.listen(engine.sync_engine.pool, "checkin", _checked_in)
DB_POOL_MAX.set(engine.sync_engine.pool.max_connections)  # type: ignore[attr-defined]
# The same pool, in autocommit: a read sends its statements alone, without BEGIN and COMMIT.
read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
SessionFactory = async_sessionmaker(
    engine, expire_on_commit=False, autoflush=False, sync_session_class=ShopSession
)


@event.listens_for(ShopSession, "after_commit")
def _send_jobs_after_commit(session: Session) -> None:
    session.info.pop("wakes_relay", None)
    jobs = session.info.pop("after_commit", [])
    for job in jobs:
        job()


@event.listens_for(ShopSession, "after_soft_rollback")
def _drop_jobs_on_rollback(session: Session, previous_transaction: Any) -> None:
    session.info.pop("after_commit", None)
    session.info.pop("wakes_relay", None)


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[AsyncSession]:
    """One session and one transaction: committed when the block ends, rolled back when it
    raises; jobs and events queued in it go out after the commit. A request gets one through
    `SessionDep`; a socket frame, an admin write or a task opens its own here."""
    async with SessionFactory() as session, session.begin():
        yield session


async def get_session() -> AsyncIterator[AsyncSession]:
    """One unit of work per request, committed after the endpoint, before the response."""
    async with unit_of_work() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


@asynccontextmanager
async def unpinged() -> AsyncIterator[None]:
    """Connections checked out in the block skip the ping (for a background loop that
    simply tries again on its next round when a connection turns out dead)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


async def read(work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """`work` (read-only statements) on a pooled connection in autocommit, without the
    checkout ping. A connection found dropped (a restarted server) or silent for
    DB_READ_TIMEOUT (a hung one) is discarded, and the read runs once more on another
    connection, pinged this time; a second failure is the 503 it would have been."""
    for attempt in (1, 2):
        reading = _reading.set(attempt == 1)
        try:
            # The pool wait has its own limit (DB_POOL_TIMEOUT): only the statements count.
            async with read_engine.connect() as conn, asyncio.timeout(settings.db_read_timeout):
                return await work(conn)
        except exc.DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
        except TimeoutError:
            if attempt == 2:
                raise
        finally:
            _reading.reset(reading)
    raise AssertionError("unreachable")


# Constraint name (app.models.base's naming convention) -> the domain error its violation is.
ConstraintErrors = Mapping[str, Callable[[], AppError]]


def affected_rows(result: Result[*tuple[Any, ...]]) -> int:
    """The rows an UPDATE or DELETE matched: its result is a CursorResult, which the type of
    Session.execute does not say."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def violated_constraint(error: exc.IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reported (asyncpg names it on its exception)."""
    cause = error.orig.__cause__ if error.orig is not None else None
    return getattr(cause, "constraint_name", None)


@asynccontextmanager
async def savepoint(session: AsyncSession, errors: ConstraintErrors) -> AsyncIterator[None]:
    """Make the block's changes and flush them inside a SAVEPOINT. When that breaks a constraint
    named in `errors`, only the savepoint is rolled back and its domain error is raised: the
    caller's transaction (a request's, or seed's around many users) stays usable. Any other
    violation propagates as it is.

    Changes made before the block are flushed before the savepoint starts, so make the ones
    that may conflict inside it."""
    try:
        async with session.begin_nested():
            yield
    except exc.IntegrityError as error:
        make_error = errors.get(violated_constraint(error) or "")
        if make_error is None:
            raise
        raise make_error() from None
