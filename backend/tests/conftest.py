"""The real stack for every test: PostgreSQL, Redis, an aiosmtpd catcher and a Celery worker.

Servers start once per test process (embedded unless DATABASE_URL / REDIS_URL are set), the
schema is built by the Alembic migrations, and every test starts from empty tables and Redis.
Under pytest-xdist (`make test` runs `-n`), each worker process has a stack of its own and
takes whole files, so tests never share a database, a Redis, a worker or a mail catcher.
"""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BACKEND_DIR = Path(__file__).resolve().parents[1]
FENCE_SQL = (BACKEND_DIR.parent / "backup" / "fence.sql").read_text()
# One folder per run, so two runs at once (two developers' helpers, say) never share servers.
TEST_DATA = BACKEND_DIR / ".data" / "test" / f"run{os.getpid()}"
_stack: dict = {}


def _start_worker(env: dict[str, str]) -> subprocess.Popen:
    from dev.embedded import free_port

    log = open(TEST_DATA / "worker.log", "w")  # noqa: SIM115 (kept open for the worker's life)
    # Its own /metrics, in multiprocess mode as in production (tests/core/test_metrics.py);
    # a worker started again (stack_worker_stopped) keeps the port.
    port = _stack.setdefault("worker_metrics_port", free_port())
    _stack["worker_metrics"] = f"http://127.0.0.1:{port}/metrics"
    metrics_env = {
        "WORKER_METRICS_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(TEST_DATA / "worker-metrics"),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "app.worker",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ],
        cwd=BACKEND_DIR,
        env={**env, "LOG_LEVEL": "INFO", **metrics_env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# xdist's worker id ("gw0", "gw1", …), or "" without xdist.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _is_xdist_controller(config: pytest.Config) -> bool:
    """The process that only hands files to xdist workers: it needs no servers."""
    return not XDIST_WORKER and bool(getattr(config.option, "numprocesses", None))


def pytest_configure(config: pytest.Config) -> None:
    if _is_xdist_controller(config):
        # Hand out files in the order of pytest_collection_modifyitems (the longest first):
        # xdist's default reorders them by their number of tests, which put the one-test fuzz
        # file (the longest of all) last, alone on one process while the others sat idle.
        config.option.loadscopereorder = False
        return
    # The suite runs on what it sets below, never on a developer's .env (app/core/config.py).
    os.environ["SHOP_ENV_FILE"] = ""
    sys.path.insert(0, str(BACKEND_DIR))
    from dev.embedded import MailSink, start_databases

    TEST_DATA.mkdir(parents=True, exist_ok=True)
    _stack["owns_data"] = True

    database_url = redis_url = None
    if os.environ.get("DATABASE_URL"):
        base = os.environ["DATABASE_URL"]
        name = base.rsplit("/", 1)[1].split("?")[0] + "_test"
        name += f"_{XDIST_WORKER}" if XDIST_WORKER else ""
        database_url = base.rsplit("/", 1)[0] + "/" + name
    if os.environ.get("REDIS_URL"):
        redis_url = os.environ["REDIS_URL"]
        if XDIST_WORKER:  # one database number per worker on a shared server
            redis_url = redis_url.rsplit("/", 1)[0] + f"/{int(XDIST_WORKER.removeprefix('gw')) + 1}"
    mail = MailSink()
    _stack["mail"] = mail

    os.environ.update(
        ENVIRONMENT="test",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(mail.port),
        SMTP_TLS="false",
        FRONTEND_URL="http://shop.test",
        LOG_LEVEL="WARNING",
        MEDIA_DIR=str(TEST_DATA / "media"),
        SHOP_DATA_DIR=str(TEST_DATA),
        # Cheap argon2 for the suite (production cost is checked by its own test) and a short
        # chat auth timeout, so neither dominates the run.
        PASSWORD_HASH_TIME_COST="1",
        PASSWORD_HASH_MEMORY_KIB="1024",
        PASSWORD_HASH_PARALLELISM="1",
        # Bursts in tests measure the throttles, not the hashing pool (tests/auth fill that on
        # purpose), on a machine that may be busy with other runs.
        PASSWORD_HASH_QUEUE="100",
        SUPPORT_AUTH_TIMEOUT_SECONDS="1",
    )
    # An empty, migrated database of the suite's own (on a given server too).
    databases = start_databases(
        TEST_DATA, "shop_test", database_url=database_url, redis_url=redis_url, fresh=True
    )
    _stack["databases"] = databases
    os.environ.update(DATABASE_URL=databases.database_url, REDIS_URL=databases.redis_url)
    _stack["worker"] = _start_worker(dict(os.environ))


def _start_api_server() -> str:
    """A real uvicorn process serving the app on a free loopback port; returns its base URL."""
    import httpx

    from dev.embedded import free_port

    port = free_port()
    log = open(TEST_DATA / f"api-{port}.log", "w")  # noqa: SIM115 (kept open for the server)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-max-size",
            "65536",
            "--no-access-log",
        ],
        cwd=BACKEND_DIR,
        # The storefront these servers answer pages with: the nginx tests' build, as production
        # mounts one frontend/dist into nginx and the API.
        env={**os.environ, "PORT": str(port), "SPA_DIR": str(TEST_DATA / "spa")},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _stack.setdefault("api_servers", []).append(process)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited; see {log.name}")
        try:
            if httpx.get(f"{url}/api/v1/health/live", timeout=1).status_code == 200:
                return url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer in 30 s; see {log.name}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first, so under xdist they start at once and overlap the rest."""
    first = (  # by their time in a run (pytest --durations), longest first
        "test_fuzz_api.py",
        "test_devserver_stop.py",
        "test_seed.py",
        "test_devserver.py",
        "test_search.py",
        "test_outages.py",
        "test_backup.py",
        "test_metrics.py",
        "test_env_file.py",
        "test_first_admin.py",
        "test_worker_death.py",
        "test_sentry.py",
    )

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return first.index(name) if name in first else len(first)

    items.sort(key=rank)  # stable: the order within a file, and of the others, stays


def pytest_unconfigure(config: pytest.Config) -> None:
    for server in _stack.pop("api_servers", []):
        _stop(server)
    worker = _stack.pop("worker", None)
    if worker is not None:
        _stop(worker)
    for name in ("mail", "databases"):
        server = _stack.pop(name, None)
        if server is not None:
            server.stop()
    if _stack.pop("owns_data", False):
        shutil.rmtree(TEST_DATA, ignore_errors=True)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mail_sink():
    return _stack["mail"]


@pytest.fixture
def worker_process():
    return _stack["worker"]


@pytest.fixture
def stack_worker_stopped():
    """The suite's worker stopped for a test that runs workers of its own (and kills them),
    and a fresh one started after it."""
    _stop(_stack.pop("worker"))
    yield
    _stack["worker"] = _start_worker(dict(os.environ))
    # Ready before the next test, which may give it seconds to send a mail.
    log = TEST_DATA / "worker.log"
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.fixture(scope="session")
def worker_metrics_url() -> str:
    """The test worker's own /metrics (WORKER_METRICS_PORT)."""
    return _stack["worker_metrics"]


@pytest.fixture
def mail(mail_sink):
    mail_sink.clear()
    return mail_sink


@pytest.fixture(scope="session")
def api_server() -> str:
    """Base URL of a real uvicorn process on the test stack (for CLIs and WebSockets)."""
    return _start_api_server()


@pytest.fixture(scope="session")
def second_api_server(api_server) -> str:
    """Another uvicorn process on the same PostgreSQL and Redis (an API replica)."""
    return _start_api_server()


@pytest.fixture(scope="session")
def app():
    from app.main import app as shop_app

    return shop_app


@pytest.fixture(autouse=True)
async def clean_state():
    """Every test starts from empty tables (roles stay) and an empty Redis."""
    from sqlalchemy import text

    from app.core import read_cache
    from app.core.db import engine
    from app.core.redis import redis
    from app.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables if t.name != "role"]
    async with engine.begin() as conn:
        # Behind the restore's fence (backup/fence.sql): every table held without waiting first,
        # so the TRUNCATE is never half of a deadlock with the worker or a job relay writing.
        await conn.exec_driver_sql(FENCE_SQL)
        await conn.execute(
            text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
    # Everything but kombu's bindings: without those the broker drops what is published.
    keys = [k async for k in redis.scan_iter(count=1000) if not k.startswith("_kombu.")]
    if keys:
        await redis.delete(*keys)
    # The TRUNCATE bypassed the ORM: the catalog answers kept by this process and by the
    # uvicorn ones (api_server) are forgotten as after a catalog write.
    read_cache.cache.clear()
    await redis.publish(read_cache.CHANNEL, "1")
    yield


@pytest.fixture(autouse=True)
async def ledger_balances():
    """After every test, each account's balance equals the sum of its ledger, and is >= 0."""
    yield
    from decimal import Decimal

    from sqlalchemy import func, select

    from app.core.db import SessionFactory
    from app.models import Account, Transaction

    async with SessionFactory() as session:
        sums = dict(
            (
                await session.execute(
                    select(Transaction.account_id, func.sum(Transaction.amount)).group_by(
                        Transaction.account_id
                    )
                )
            ).all()
        )
        for account in await session.scalars(select(Account)):
            assert account.balance >= 0
            assert account.balance == sums.get(account.id, Decimal("0")), account.id


@pytest.fixture
async def client(app):
    import httpx

    transport = httpx.ASGITransport(
        app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.fixture
async def db():
    from app.core.db import SessionFactory

    async with SessionFactory() as session:
        yield session


@pytest.fixture
def wait_for():
    """Poll an async predicate until it holds (for effects of the Celery worker)."""

    async def wait(predicate, timeout: float = 15.0, interval: float = 0.1):
        import asyncio

        deadline = time.monotonic() + timeout
        while True:
            result = await predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(interval)

    return wait


@pytest.fixture
def count_statements() -> Callable[[], AbstractContextManager[list[str]]]:
    """`with count_statements() as statements:` collects the SQL the app's engine sends
    inside the block, in order (for tests that a page costs a constant number of queries)."""
    from sqlalchemy import event

    from app.core.db import engine

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            yield statements
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)

    return counting


@dataclass
class Shop:
    store: Any
    other_store: Any
    coffee: Any  # 3.50
    cake: Any  # 4.25
    beans: Any  # 12.00


@pytest.fixture
async def shop() -> Shop:
    """A small shop for the cart, order and money tests: two stores, three products."""
    from tests.factories import create_category, create_product, create_store, set_stock

    category = await create_category("Coffee")
    store = await create_store("Kreuzberg")
    other = await create_store("Mitte")
    coffee = await create_product("Flat white", category.id, "3.50")
    cake = await create_product("Cheesecake", category.id, "4.25")
    beans = await create_product("House beans 250 g", category.id, "12.00")
    for product, quantity in ((coffee, 20), (cake, 5), (beans, 3)):
        await set_stock(store.id, product.id, quantity)
    await set_stock(other.id, coffee.id, 1)
    return Shop(store, other, coffee, cake, beans)
