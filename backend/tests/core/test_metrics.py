"""The shop's metrics move with what happens: orders, checkouts, logins, registrations,
webhooks, top-ups, the database pool (the API's /metrics), and tasks and mails (the worker's
own /metrics, in multiprocess mode as in production)."""

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import text

from app.core.db import MeasuredPool, SessionFactory, create_engine
from app.orders import idempotency
from tests.factories import create_user, login, user_headers
from tests.helpers import account_of, credit, metric
from tests.payments.helpers import decide, start_top_up


async def scrape(client) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


class Delta:
    """How much metrics on a /metrics page moved across a block of actions."""

    def __init__(self, read: Callable[[], Awaitable[str]]) -> None:
        self.read = read
        self.before = ""
        self.after = ""

    async def __aenter__(self) -> "Delta":
        self.before = await self.read()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.after = await self.read()

    def __call__(self, name: str, **labels: str) -> float:
        return metric(self.after, name, **labels) - metric(self.before, name, **labels)


def api_delta(client) -> Delta:
    return Delta(lambda: scrape(client))


async def test_orders_count_by_store_and_payment_method_with_revenue(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    assert (await credit(client, user.id, account, "50.00")).status_code == 200
    lines = [{"product_id": shop.coffee.id, "quantity": 2}]
    async with api_delta(client) as delta:
        paid = await client.post(
            "/api/v1/orders",
            json={"store_id": shop.store.id, "items": lines, "pay_with_account_id": account},
            headers=headers,
        )
        unpaid = await client.post(
            "/api/v1/orders",
            json={"store_id": shop.other_store.id, "items": [lines[0] | {"quantity": 1}]},
            headers=headers,
        )
    assert paid.status_code == unpaid.status_code == 201
    placed = "shop_orders_placed_total"
    assert delta(placed, store="Kreuzberg", payment_method="account") == 1
    assert delta(placed, store="Kreuzberg", payment_method="unpaid") == 0
    assert delta(placed, store="Mitte", payment_method="unpaid") == 1
    assert delta("shop_revenue_total", store="Kreuzberg", currency="EUR") == 7.0
    assert delta("shop_revenue_total", store="Mitte", currency="EUR") == 3.5
    assert delta("shop_checkouts_total", outcome="placed") == 2

    async with api_delta(client) as delta:
        cancelled = await client.post(f"/api/v1/orders/{paid.json()['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    assert delta("shop_orders_cancelled_total", store="Kreuzberg", payment_method="account") == 1
    assert delta("shop_revenue_cancelled_total", store="Kreuzberg", currency="EUR") == 7.0
    assert delta("shop_orders_placed_total") == 0


async def test_checkout_outcomes(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    order = {"store_id": shop.store.id, "items": [{"product_id": shop.beans.id, "quantity": 1}]}
    keyed = headers | {"Idempotency-Key": "attempt-1"}
    async with api_delta(client) as delta:
        first = await client.post("/api/v1/orders", json=order, headers=keyed)
        replay = await client.post("/api/v1/orders", json=order, headers=keyed)
        short = await client.post(
            "/api/v1/orders", json=order | {"items": [order["items"][0] | {"quantity": 9}]},
            headers=headers,
        )  # fmt: skip
        broke = await client.post(
            "/api/v1/orders", json=order | {"pay_with_account_id": account}, headers=headers
        )
        empty = await client.post(
            "/api/v1/orders", json={"store_id": shop.store.id}, headers=headers
        )
    assert [first.status_code, replay.status_code, short.status_code, broke.status_code] == [
        201, 201, 409, 409,
    ]  # fmt: skip
    assert (short.json()["code"], broke.json()["code"]) == ("out_of_stock", "insufficient_funds")
    assert empty.json()["code"] == "cart_empty"
    assert delta("shop_checkouts_total", outcome="placed") == 1
    assert delta("shop_checkouts_total", outcome="replayed") == 1
    assert delta("shop_checkouts_total", outcome="out_of_stock") == 1
    assert delta("shop_checkouts_total", outcome="insufficient_funds") == 1
    assert delta("shop_checkouts_total", outcome="rejected") == 1
    assert delta("shop_orders_placed_total") == 1  # the replay placed nothing


async def test_a_checkout_while_the_first_with_its_key_runs_is_a_conflict(client, shop):
    user, headers = await user_headers(client)
    order = {"store_id": shop.store.id, "items": [{"product_id": shop.cake.id, "quantity": 1}]}
    keyed = headers | {"Idempotency-Key": "held"}

    # The first request with the key holds its advisory lock, as a slow checkout would.
    async with api_delta(client) as delta, SessionFactory() as holder, holder.begin():
        await idempotency.begin(holder, user.id, "held", "some-hash")
        second = await client.post("/api/v1/orders", json=order, headers=keyed)
    assert second.status_code == 409 and second.json()["code"] == "idempotency_key_in_progress"
    assert delta("shop_checkouts_total", outcome="conflict") == 1


async def test_logins_ok_failed_throttled_and_registrations(client, mail):
    user = await create_user(username="counted")
    async with api_delta(client) as delta:
        await login(client, "counted")
        for _ in range(5):
            wrong = {"login": "counted", "password": "not-the-password"}
            assert (await client.post("/api/v1/auth/login", json=wrong)).status_code == 401
        throttled = await client.post("/api/v1/auth/login", json=wrong)
        registered = await client.post(
            "/api/v1/auth/register",
            json={
                "email": "new@example.com",
                "username": "newcomer",
                "password": "x7-Quokka-ran",
                "full_name": "New Comer",
            },
        )
    assert throttled.status_code == 429 and registered.status_code == 201, registered.text
    assert delta("shop_logins_total", outcome="ok") == 1
    assert delta("shop_logins_total", outcome="failed") == 5
    assert delta("shop_logins_total", outcome="throttled") == 1
    assert delta("shop_registrations_total") == 1
    assert user.id


async def test_webhooks_and_top_ups(client):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    async with api_delta(client) as delta:
        assert (await credit(client, user.id, account, "10.00", "tx-a")).status_code == 200
        assert (await credit(client, user.id, account, "10.00", "tx-a")).status_code == 200
        forged = await credit(
            client, user.id, account, "10.00", "tx-b", **{"X-Signature": "0" * 64}
        )
        stranger = await credit(client, user.id + 999, account, "10.00", "tx-c")
        top_up = await start_top_up(client, headers, account, "25.00")
        declined = await start_top_up(client, headers, account, "5.00")
        assert (await decide(client, top_up, "approve")).status_code in (200, 303)
        assert (await decide(client, declined, "decline")).status_code in (200, 303)
    assert (forged.status_code, stranger.status_code) == (401, 422)
    webhooks = "shop_payment_webhooks_total"
    assert delta(webhooks, outcome="credited") == 2  # tx-a and the approved top-up
    assert delta(webhooks, outcome="duplicate") == 1
    assert delta(webhooks, outcome="rejected", reason="invalid_signature") == 1
    assert delta(webhooks, outcome="rejected", reason="unknown_user") == 1
    assert delta("shop_top_ups_total", outcome="created") == 2
    assert delta("shop_top_ups_total", outcome="credited") == 1
    assert delta("shop_top_ups_total", outcome="declined") == 1
    assert delta("shop_top_up_credited_amount_total", currency="EUR") == 35.0


async def test_carts_started(client, shop):
    _, headers = await user_headers(client)
    async with api_delta(client) as delta:
        for product in (shop.coffee, shop.cake):
            added = await client.post(
                "/api/v1/cart/items",
                json={"product_id": product.id, "quantity": 1},
                headers=headers,
            )
            assert added.status_code in (200, 201), added.text
    assert delta("shop_carts_started_total") == 1  # the second product joined a started cart


async def test_pool_in_use_and_http_buckets(client):
    async with SessionFactory() as held:
        await held.execute(text("SELECT 1"))
        during = await scrape(client)
    after = await scrape(client)
    assert metric(during, "shop_db_pool_connections_in_use") >= 1
    assert metric(after, "shop_db_pool_connections_in_use") == (
        metric(during, "shop_db_pool_connections_in_use") - 1
    )
    assert metric(after, "shop_db_pool_max_connections") == 30  # 20 + 10 overflow
    # The API's per-route histogram resolves 5 ms to 10 s.
    buckets = {
        line.split('le="')[1].split('"')[0]
        for line in after.splitlines()
        if line.startswith("http_request_duration_seconds_bucket{")
    }
    assert {
        "0.005",
        "0.01",
        "0.025",
        "0.05",
        "0.1",
        "0.25",
        "0.5",
        "1.0",
        "2.5",
        "5.0",
        "10.0",
    } <= (buckets)


async def test_a_checkout_waiting_for_a_connection_counts_as_a_wait_then_a_timeout(client):
    small = create_engine(poolclass=MeasuredPool, pool_size=1, max_overflow=0, pool_timeout=0.5)
    try:
        async with api_delta(client) as delta:
            holder = await small.connect()
            waiter = asyncio.create_task(_query(small))
            await asyncio.sleep(0.2)  # the second checkout waits for the only connection
            await holder.close()
            await waiter
            holder = await small.connect()
            with pytest.raises(Exception, match="QueuePool limit"):
                await _query(small)
            await holder.close()
    finally:
        await small.dispose()
    assert delta("shop_db_pool_waits_total") == 2
    assert delta("shop_db_pool_timeouts_total") == 1
    assert delta("shop_db_pool_wait_seconds_count") >= 3
    assert delta("shop_db_pool_wait_seconds_bucket", le="0.1") < delta(
        "shop_db_pool_wait_seconds_count"
    )  # the two waits took longer than 100 ms


async def _query(engine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


# --- the worker -----------------------------------------------------------------------------


def worker_delta(url: str) -> Delta:
    async def read() -> str:
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.get(url)
        assert response.status_code == 200
        return response.text

    return Delta(read)


async def test_a_mail_counts_as_sent_and_its_task_as_succeeded(
    client, mail, wait_for, worker_metrics_url
):
    delta = worker_delta(worker_metrics_url)
    async with delta:
        response = await client.post(
            "/api/v1/auth/register",
            json={
                "email": "mailed@example.com",
                "username": "mailed",
                "password": "x7-Quokka-ran",
                "full_name": "New Comer",
            },
        )
        assert response.status_code == 201

        await asyncio.to_thread(mail.wait_for, lambda m: "mailed@example.com" in m["To"], 30)
        task = "app.auth.tasks.send_verification_email"

        async def counted() -> bool:
            text_now = await delta.read()
            return metric(text_now, "shop_celery_tasks_total", task=task) > metric(
                delta.before, "shop_celery_tasks_total", task=task
            )

        await wait_for(counted)
    assert delta("shop_mails_total", template="verify_email", outcome="sent") == 1
    assert delta("shop_celery_tasks_total", task=task, outcome="succeeded") == 1
    assert delta("shop_celery_task_duration_seconds_count", task=task) == 1
    assert "shop_celery_queue_length" in delta.after
    assert metric(delta.after, "shop_celery_queue_length", queue="shop") == 0


async def test_worker_metrics_answer_only_allowed_callers(worker_metrics_url):
    # From 127.0.0.1 (METRICS_ALLOW_IPS); another address or a wrong token is refused the
    # same way the API refuses it, which tests/core/test_operations.py covers for the API.
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(worker_metrics_url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")


def test_queue_depth_reads_the_broker_queue():
    """Tasks published to a broker no worker consumes show as the queue's length."""
    from celery import Celery

    from app.core.worker_metrics import QueueDepth
    from dev.embedded import EmbeddedRedis
    from tests.conftest import TEST_DATA

    redis = EmbeddedRedis(TEST_DATA / "queue-depth-redis", persist=False)
    try:
        sender = Celery("depth-test", broker=redis.url())
        sender.conf.task_default_queue = "shop"
        for _ in range(3):
            sender.send_task("app.orders.tasks.purge_idempotency_keys")
        sender.close()
        families = {f.name: f for f in QueueDepth(redis.url(), lambda: ["shop"]).collect()}
    finally:
        redis.stop()
    assert families["shop_celery_queue_length"].samples[0].labels == {"queue": "shop"}
    assert families["shop_celery_queue_length"].samples[0].value == 3
    assert families["shop_celery_tasks_unacknowledged"].samples[0].value == 0


def test_a_worker_under_prefork_adds_up_every_child(tmp_path):
    """Each task in a child of its own (--max-tasks-per-child 1): the endpoint still counts
    them all, those of children that have exited too."""
    from celery import Celery

    from dev.embedded import EmbeddedRedis, free_port
    from tests.core.processes import start_worker, stop_process

    redis = EmbeddedRedis(tmp_path / "redis", persist=False)
    port = free_port()
    worker = start_worker(
        {
            "REDIS_URL": redis.url(),
            "WORKER_METRICS_PORT": str(port),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        },
        tmp_path / "worker.log",
        "--pool",
        "prefork",
        "--concurrency",
        "2",
        "--max-tasks-per-child",
        "1",
    )
    task = "app.orders.tasks.purge_idempotency_keys"
    try:
        sender = Celery("prefork-test", broker=redis.url())
        sender.conf.task_default_queue = "shop"
        for _ in range(4):
            sender.send_task(task)
        sender.close()
        deadline, seen = time.monotonic() + 60, 0.0
        while time.monotonic() < deadline:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except httpx.TransportError:
                page = ""
            seen = metric(page, "shop_celery_tasks_total", task=task, outcome="succeeded")
            if seen >= 4:
                break
            time.sleep(0.3)
    finally:
        stop_process(worker)
        redis.stop()
    assert seen == 4, (tmp_path / "worker.log").read_text()[-3000:]
    pids = {p.name.rsplit("_", 1)[-1] for p in (tmp_path / "metrics").glob("counter_*.db")}
    assert len(pids) >= 3  # the main process and children that each ran one task


def test_api_processes_add_up_in_one_metrics_page(tmp_path):
    """With WEB_CONCURRENCY > 1 (uvicorn --workers, as make run and the image start the API),
    every process's requests are on /metrics, whichever process answers the scrape."""
    from dev.devserver import api_env
    from tests.core.processes import start_uvicorn, stop_process

    metrics_dir = tmp_path / "api-metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left by processes before")
    env = api_env({}, 2, metrics_dir)
    url, process = start_uvicorn(env, tmp_path / "api.log", args=("--workers", "2"))
    try:
        for _ in range(20):  # a connection each: either process may take it
            assert httpx.get(f"{url}/api/v1/info", timeout=10).status_code == 200
        pages = [httpx.get(f"{url}/metrics", timeout=10).text for _ in range(6)]
    finally:
        stop_process(process)
    assert [metric(page, "http_requests_total", handler="/api/v1/info") for page in pages] == [
        20
    ] * 6, (tmp_path / "api.log").read_text()[-3000:]
    pids = {p.stem.rsplit("_", 1)[-1] for p in metrics_dir.glob("counter_*.db")}
    assert "999999" not in pids  # emptied at start
    assert len(pids) >= 2
