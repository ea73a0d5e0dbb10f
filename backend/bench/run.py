"""Benchmarks of the hot paths, on the same embedded PostgreSQL and Redis as `make run`.

    make bench            (or: cd backend && .venv/bin/python -m bench.run)
    cd backend && .venv/bin/python -m bench.run login-flood     (that scenario alone)
    cd backend && .venv/bin/python -m bench.run checkout        (the checkouts alone)

Requests go through the ASGI app in process (httpx.ASGITransport), so the figures are the
app and the database, not the network; the login-flood scenario alone runs a real uvicorn
process, because what it measures is that server's event loop. Passwords are hashed with the
production argon2 profile. Each scenario prints its latency percentiles and throughput and
is checked against a target; the exit code is 1 when one is missed.
Targets are for the 2-core CI machine; set BENCH_SCALE=2 to allow twice the latency.
"""

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[1]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float
    target_p95_ms: float | None = None
    target_rate: float | None = None  # requests per second, at the least
    target_p99_ms: float | None = None
    note: str = field(default="", kw_only=True)
    failures: int = field(default=0, kw_only=True)  # answers other than the expected one
    beside: str = field(default="", kw_only=True)  # a comparison with another scenario, missed

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=20)[-1]

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[-1]

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds

    @property
    def ok(self) -> bool:
        fast = self.target_p95_ms is None or self.p95 <= self.target_p95_ms * SCALE
        tail = self.target_p99_ms is None or self.p99 <= self.target_p99_ms * SCALE
        busy = self.target_rate is None or self.rate >= self.target_rate / SCALE
        return fast and tail and busy and not self.failures and not self.beside

    def line(self) -> str:
        targets = []
        if self.target_p95_ms is not None:
            targets.append(f"p95 <= {self.target_p95_ms * SCALE:.0f} ms")
        if self.target_p99_ms is not None:
            targets.append(f"p99 <= {self.target_p99_ms * SCALE:.0f} ms")
        if self.target_rate is not None:
            targets.append(f">= {self.target_rate / SCALE:.0f}/s")
        return (
            f"{self.name:<50} n={len(self.latencies_ms):<5} p50={self.p50:7.1f} ms  "
            f"p95={self.p95:7.1f} ms  p99={self.p99:7.1f} ms {self.rate:7.1f}/s   "
            f"target {', '.join(targets) or 'none (a reference)'}: "
            + ("ok" if self.ok else "MISSED")
            + (f"\n    {self.failures} requests failed" if self.failures else "")
            + (f"\n    {self.note}" if self.note else "")
            + (f"\n    MISSED: {self.beside}" if self.beside else "")
        )


async def _jobs_published(wait_at_most: float = 60.0) -> None:
    """Until the outbox relay has published the jobs of the scenarios before (the mails of
    a thousand orders): each scenario is measured alone, not beside the last one's backlog."""
    from sqlalchemy import exists, select

    from app.core.db import SessionFactory
    from app.models import OutboxJob

    deadline = time.perf_counter() + wait_at_most
    while time.perf_counter() < deadline:
        async with SessionFactory() as session:
            if not await session.scalar(select(exists().where(OutboxJob.id.is_not(None)))):
                return
        await asyncio.sleep(0.1)


async def measure(
    name: str,
    call: Callable[[int], Awaitable[None]],
    *,
    requests: int,
    concurrency: int,
    target_p95_ms: float | None = None,
    target_rate: float | None = None,
    target_p99_ms: float | None = None,
    max_seconds: float | None = None,
) -> Result:
    """`requests` calls by `concurrency` workers, or as many as fit in `max_seconds`."""
    await _jobs_published()
    latencies: list[float] = []
    counter = iter(range(requests))
    deadline = time.perf_counter() + (max_seconds or float("inf"))

    async def worker() -> None:
        for n in counter:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            await call(n)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(
        name, latencies, time.perf_counter() - started, target_p95_ms, target_rate, target_p99_ms
    )


async def measure_in_turns(
    first: tuple[str, Callable[[int], Awaitable[None]]],
    second: tuple[str, Callable[[int], Awaitable[None]]],
    *,
    requests: int,
    concurrency: int,
    turns: int = 4,
    target_p95_ms: float | None = None,
    target_rate: float | None = None,
) -> tuple[Result, Result]:
    """Two scenarios measured in `turns` alternating parts of requests/turns each (call
    numbers distinct across the parts): each result is its parts together."""
    results = [Result(name, [], 0.0, target_p95_ms, target_rate) for name, _ in (first, second)]
    part = requests // turns
    for turn in range(turns):
        order = [0, 1] if turn % 2 == 0 else [1, 0]
        for k in order:
            call, offset = (first, second)[k][1], turn * part

            async def numbered(n: int) -> None:
                await call(n + offset)  # noqa: B023 (awaited within this turn)

            done = await measure("part", numbered, requests=part, concurrency=concurrency)
            results[k].latencies_ms += done.latencies_ms
            results[k].seconds += done.seconds
    return results[0], results[1]


async def scenarios() -> list[Result]:
    from decimal import Decimal

    import httpx
    from sqlalchemy import text

    from app.core.config import settings
    from app.core.db import SessionFactory
    from app.main import app
    from app.models import Category, Product, RoleName, Store
    from app.payments import repository as payments_repository
    from app.payments.webhook import build_request
    from app.users import service as users_service
    from bench.compare import DRINKS

    async with SessionFactory() as session, session.begin():
        category = Category(name="Bench", slug="bench")
        session.add(category)
        await session.flush()
        store = Store(name="Bench store", address="1 Bench Road")
        products = [
            Product(
                name=f"Bench book {n}",
                slug=f"bench-book-{n}",
                price=Decimal("9.90"),
                category_id=category.id,
                description="A book about benchmarks " * 5,
            )
            for n in range(500)
        ]
        # Issue 24: drinks in three sizes with milk and extras (bench.compare.DRINKS).
        drinks = [
            Product(
                name=f"Bench flat white {n}",
                slug=f"bench-drink-{n}",
                price=Decimal("3.20"),
                category_id=category.id,
                description="A drink about benchmarks " * 5,
            )
            for n in range(500)
        ]
        session.add(store)
        session.add_all(products + drinks)
        await session.flush()
        await session.execute(
            text(
                "INSERT INTO stock (store_id, product_id, quantity) "
                "SELECT :store_id, id, 1000000 FROM product"
            ),
            {"store_id": store.id},
        )
        for statement in DRINKS.format(drinks="p.slug LIKE 'bench-drink-%'").split(";\n"):
            if statement.strip():
                await session.execute(text(statement))
        large = (
            (
                await session.execute(
                    text(
                        "SELECT id FROM product_variant WHERE name = 'Large' "
                        "AND sku LIKE 'D%' ORDER BY product_id"
                    )
                )
            )
            .scalars()
            .all()
        )
        oat, shot = (
            (
                await session.execute(
                    text(
                        "SELECT id FROM modifier WHERE name IN ('Oat', 'Extra shot') ORDER BY name"
                    )
                )
            )
            .scalars()
            .all()[::-1]
        )
        drink_ids = [d.id for d in drinks]
        buyers = [
            await users_service.create_user(
                session,
                email=f"bench{n}@example.com",
                username=f"bench{n}",
                password="bench-password-1",  # noqa: S106 (throwaway bench users)
                full_name=f"Bench {n}",
                role=RoleName.customer,
                verified=True,
            )
            for n in range(20)
        ]
        store_id, product_ids = store.id, [p.id for p in products]
        # Each buyer's money account, opened with the user.
        account_ids = [
            (await payments_repository.accounts_of(session, buyer.id))[0].id for buyer in buyers
        ]

    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        tokens = []
        for buyer in buyers:
            r = await client.post(
                "/api/v1/auth/login", json={"login": buyer.username, "password": "bench-password-1"}
            )
            tokens.append({"Authorization": f"Bearer {r.json()['access_token']}"})
        secret = settings.webhook_secret.get_secret_value()
        for n, buyer in enumerate(buyers):
            body, headers = build_request(
                buyer.id, account_ids[n], Decimal("100000.00"), f"bench-{n}", secret
            )
            r = await client.post("/api/v1/payments/webhook", content=body, headers=headers)
            assert r.status_code == 200, r.text

        async def checkout(n: int) -> None:
            r = await client.post(
                "/api/v1/orders",
                json={
                    "store_id": store_id,
                    "items": [
                        {"product_id": product_ids[(n * 7 + k) % 500], "quantity": 1 + k}
                        for k in range(3)
                    ],
                    "pay_with_account_id": account_ids[n % 20],
                },
                headers={**tokens[n % 20], "Idempotency-Key": f"bench-{n}"},
            )
            assert r.status_code == 201, r.text

        async def drinks_checkout(n: int) -> None:
            # The same as checkout(), each line a large oat flat white with an extra shot.
            r = await client.post(
                "/api/v1/orders",
                json={
                    "store_id": store_id,
                    "items": [
                        {
                            "product_id": drink_ids[(n * 7 + k) % 500],
                            "variant_id": large[(n * 7 + k) % 500],
                            "modifier_ids": [oat, shot],
                            "quantity": 1 + k,
                        }
                        for k in range(3)
                    ],
                    "pay_with_account_id": account_ids[n % 20],
                },
                headers={**tokens[n % 20], "Idempotency-Key": f"bench-drinks-{n}"},
            )
            assert r.status_code == 201, r.text

        async def hot_checkout(n: int) -> None:
            # everyone buys the same product: the stock row is the point of contention
            r = await client.post(
                "/api/v1/orders",
                json={
                    "store_id": store_id,
                    "items": [{"product_id": product_ids[0], "quantity": 1}],
                },
                headers=tokens[n % 20],
            )
            assert r.status_code == 201, r.text

        async def order_history(n: int) -> None:
            r = await client.get("/api/v1/orders", params={"page_size": 20}, headers=tokens[n % 20])
            assert r.status_code == 200

        async def product_search(n: int) -> None:
            # Signed in: a guest's repeated search would be answered from the read cache.
            r = await client.get(
                "/api/v1/products",
                params={"q": "bench book", "page_size": 20},
                headers=tokens[n % 20],
            )
            assert r.status_code == 200

        async def credit(n: int) -> None:
            body, headers = build_request(
                buyers[n % 20].id,
                account_ids[n % 20],
                Decimal("1.00"),
                f"bench-credit-{n}",
                secret,
            )
            r = await client.post("/api/v1/payments/webhook", content=body, headers=headers)
            assert r.status_code == 200, r.text

        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            await measure("profile", checkout, requests=300, concurrency=1, target_p95_ms=1e9)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
            return []
        if "login-flood" in sys.argv[1:]:
            return await product_list_under_login_flood()
        # One API process is one Python thread: under load its throughput is the figure that
        # matters (latency is then queueing); alone, a request shows its own cost.
        # The books' and the drinks' checkouts in turns of a quarter each (the relay's backlog
        # and the machine's load then weigh on both alike), alone and then 20 at a time.
        books_alone, drinks_alone = await measure_in_turns(
            ("checkout, 3 lines, paid from balance (c=1)", checkout),
            ("checkout, 3 drinks (size, milk, extra) (c=1)", drinks_checkout),
            requests=200,
            concurrency=1,
            target_p95_ms=60,
        )
        books_busy, drinks_busy = await measure_in_turns(
            ("checkout, 3 lines, paid from balance (c=20)", lambda n: checkout(n + 10_000)),
            (
                "checkout, 3 drinks (size, milk, extra) (c=20)",
                lambda n: drinks_checkout(n + 10_000),
            ),
            requests=1000,
            concurrency=20,
            target_rate=40,
        )
        checkouts = [books_alone, books_busy, drinks_alone, drinks_busy]
        compare_variants(*checkouts)
        if "checkout" in sys.argv[1:]:
            return checkouts
        return [
            *checkouts,
            await measure(
                "checkout of one hot product (c=20)",
                hot_checkout,
                requests=500,
                concurrency=20,
                target_rate=40,
            ),
            await measure(
                "order history, 20 per page (c=10)",
                order_history,
                requests=500,
                concurrency=10,
                target_p95_ms=150,
                target_rate=100,
            ),
            await measure(
                "product search, 20 per page (c=10)",
                product_search,
                requests=500,
                concurrency=10,
                target_p95_ms=150,
                target_rate=100,
            ),
            await measure(
                "webhook credit (c=10)",
                credit,
                requests=500,
                concurrency=10,
                target_p95_ms=150,
                target_rate=100,
            ),
            *await product_list_under_login_flood(),
        ]


VARIANT_MARGIN = 0.10  # issue 24: a configured line may cost at most 10% more


def compare_variants(
    alone: Result, busy: Result, drinks_alone: Result, drinks_busy: Result
) -> None:
    """Issue 24: the drinks' checkout against the books' in the same run: its p50 alone at
    most VARIANT_MARGIN over, its rate with 20 at a time at most VARIANT_MARGIN under; noted
    on the drinks' results, a failure when missed."""
    slower = drinks_alone.p50 / alone.p50
    rate = drinks_busy.rate / busy.rate
    drinks_alone.note = f"p50 {slower:.2f} x the books' (at most {1 + VARIANT_MARGIN:.2f})"
    drinks_busy.note = f"rate {rate:.2f} x the books' (at least {1 - VARIANT_MARGIN:.2f})"
    if slower > 1 + VARIANT_MARGIN:
        drinks_alone.beside = "slower than the books' by more than the margin"
    if rate < 1 - VARIANT_MARGIN:
        drinks_busy.beside = "fewer per second than the books' by more than the margin"


FLOOD_LOGINS = 40
# The shipped argon2 profile (tests/auth pins it), spelled out so the bench never runs cheaper.
PRODUCTION_HASH_PROFILE = {
    "PASSWORD_HASH_TIME_COST": "3",
    "PASSWORD_HASH_MEMORY_KIB": "65536",
    "PASSWORD_HASH_PARALLELISM": "4",
}


def _start_server(port: int, **env: str) -> subprocess.Popen:
    """A uvicorn process on the bench's database and Redis."""
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--no-access-log"],
        cwd=BACKEND_DIR,
        env={**os.environ, "PORT": str(port), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def product_list_under_login_flood() -> list[Result]:
    """GET /products on a real uvicorn process, alone and while FLOOD_LOGINS failed logins
    (unknown users, so every one costs a full argon2 check) are in flight at every moment.
    The server's per-IP login limit is lifted: the flood stands for many addresses."""
    import httpx

    from dev.embedded import free_port

    port = free_port()
    server = _start_server(port, LOGIN_MAX_FAILURES_PER_IP="1000000000")
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as shopper:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (await shopper.get("/api/v1/health/live")).status_code == 200:
                        break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                await asyncio.sleep(0.1)

            product_statuses: Counter[int | str] = Counter()

            async def product_list(n: int) -> None:
                try:
                    r = await shopper.get("/api/v1/products", params={"page_size": 20})
                    product_statuses[r.status_code] += 1
                except httpx.HTTPError as exc:
                    product_statuses[type(exc).__name__] += 1

            await measure("warm-up", product_list, requests=50, concurrency=1)
            product_statuses.clear()
            alone = await measure(
                "GET /products, real server, alone (c=1)",
                product_list,
                requests=300,
                concurrency=1,
            )
            alone.failures = sum(v for k, v in product_statuses.items() if k != 200)
            product_statuses.clear()

            statuses: Counter[int | str] = Counter()
            login_ms: list[float] = []
            stop = asyncio.Event()
            limits = httpx.Limits(max_connections=FLOOD_LOGINS, max_keepalive_connections=0)

            async def attacker(http: httpx.AsyncClient, k: int) -> None:
                n = 0
                while not stop.is_set():
                    started = time.perf_counter()
                    try:
                        r = await http.post(
                            "/api/v1/auth/login",
                            json={"login": f"flood-{k}-{n}", "password": "not-the-password"},
                        )
                        statuses[r.status_code] += 1
                    except httpx.HTTPError as exc:
                        statuses[type(exc).__name__] += 1
                    login_ms.append((time.perf_counter() - started) * 1000)
                    n += 1

            async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as http:
                flood = [asyncio.create_task(attacker(http, k)) for k in range(FLOOD_LOGINS)]
                await asyncio.sleep(2)  # the flood in full swing
                under = await measure(
                    f"GET /products under {FLOOD_LOGINS} concurrent failed logins",
                    product_list,
                    requests=300,
                    concurrency=1,
                    # Hashing once took this to 10 s; what is left is the cost of the flood's
                    # requests themselves (the same flood answered 422 without hashing costs
                    # about half of it on the 2-core machine).
                    target_p99_ms=1000,
                    max_seconds=60,  # a starved server would take an hour for the 300
                )
                stop.set()
                await asyncio.gather(*flood)
            under.failures = sum(v for k, v in product_statuses.items() if k != 200)
            login_ms.sort()
            under.note = (
                f"GET /products answers: {dict(product_statuses)}; "
                f"the flood's logins meanwhile: {dict(statuses)}, "
                f"p50 {statistics.median(login_ms):.0f} ms, "
                f"max {login_ms[-1]:.0f} ms"
            )
            return [alone, under]
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    sys.path.insert(0, str(BACKEND_DIR))
    from dev.embedded import start_databases

    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    os.environ.update(PRODUCTION_HASH_PROFILE)
    os.environ.update(
        ENVIRONMENT="test",
        LOG_LEVEL="WARNING",
        SHOP_DATA_DIR=str(workdir),
        MEDIA_DIR=str(workdir / "media"),
    )
    databases = start_databases(workdir, "shop_bench")
    try:
        os.environ.update(DATABASE_URL=databases.database_url, REDIS_URL=databases.redis_url)
        import uvloop

        results = uvloop.run(scenarios())
    finally:
        databases.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        print(result.line())
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
