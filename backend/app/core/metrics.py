"""The shop's Prometheus metrics, and who may read /metrics: addresses in METRICS_ALLOW_IPS,
or a caller with METRICS_TOKEN."""

import hmac
import ipaddress
import os
from functools import lru_cache

from fastapi import Request
from prometheus_client import Counter, Gauge, Histogram, multiprocess
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException

from app.core.config import settings
from app.core.on_commit import after_commit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache
def _allowed_networks(spec: str) -> tuple[Network, ...]:
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in spec.split(",") if item.strip()
    )


def address_allowed(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks(settings.metrics_allow_ips))


def token_matches(authorization: str) -> bool:
    """Whether an Authorization header carries METRICS_TOKEN as its bearer token."""
    if settings.metrics_token is None:
        return False
    scheme, _, credentials = authorization.partition(" ")
    expected = settings.metrics_token.get_secret_value()
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.encode(), expected.encode()
    )


async def metrics_access(request: Request) -> None:
    """Anyone else gets the same 404 as for a path that does not exist."""
    host = request.client.host if request.client else ""
    if not (address_allowed(host) or token_matches(request.headers.get("authorization", ""))):
        raise HTTPException(404)


# --- the shop's own metrics -------------------------------------------------------------------
# Labels take values from small fixed sets (outcomes, templates, task names, error codes) or
# from the shop's stores: never a user, an order or an address. In the Celery worker the values
# live in PROMETHEUS_MULTIPROC_DIR (each prefork child its own file; app.core.worker_metrics
# adds them up); so do the API's when it runs more than one process (WEB_CONCURRENCY > 1: the
# image and `make run` set the folder, and /metrics adds up every process), else in the process
# itself.

ORDERS_PLACED = Counter(
    "shop_orders_placed_total",
    "Orders placed (committed), by store and payment method (account: paid at checkout "
    "from the balance; card: to be paid through the provider; unpaid: to be paid later or "
    "at the counter).",
    ["store", "payment_method"],
)
ORDERS_CANCELLED = Counter(
    "shop_orders_cancelled_total",
    "Orders cancelled (committed), by store and how they had been paid "
    "(account: refunded to the balance; card: refunded through the provider; counter: paid "
    "at the counter; unpaid).",
    ["store", "payment_method"],
)
REVENUE = Counter(
    "shop_revenue_total",
    "Value of the orders placed, by store, in the shop's currency.",
    ["store", "currency"],
)
REVENUE_CANCELLED = Counter(
    "shop_revenue_cancelled_total",
    "Value of the orders cancelled, by store, in the shop's currency.",
    ["store", "currency"],
)
REFUNDS = Counter(
    "shop_refunds_total",
    "Order line refunds (committed), by how the money went back: balance (to the account "
    "that paid), card (through the payment provider), counter (paid at the counter: the "
    "cash is given back by hand).",
    ["method"],
)
CHECKOUTS = Counter(
    "shop_checkouts_total",
    "Checkout attempts by outcome: placed, out_of_stock, insufficient_funds, replayed (an "
    "Idempotency-Key retry answered from the first result), conflict (the first request with "
    "the key still running), rejected (any other refusal: empty cart, product gone, ...).",
    ["outcome"],
)
LOGINS = Counter(
    "shop_logins_total",
    "Login attempts by outcome: ok, failed (wrong password, unknown, unverified or disabled "
    "account), throttled (429), busy (the password hashing pool was full: 503).",
    ["outcome"],
)
REGISTRATIONS = Counter("shop_registrations_total", "Accounts registered (committed).")
CARTS_STARTED = Counter(
    "shop_carts_started_total",
    "Carts that got their first line (a product added to an empty cart): the base of the "
    "cart-to-order conversion.",
)
MAILS = Counter(
    "shop_mails_total",
    "Mails by template and outcome: sent; failed (an attempt failed, the task retries); dead "
    "(the last attempt failed: the mail is not sent).",
    ["template", "outcome"],
)
WEBHOOKS = Counter(
    "shop_payment_webhooks_total",
    "Payment provider webhooks by outcome (credited, paid, refunded, failed, canceled, "
    "declined, duplicate, ignored, rejected) and, for a rejection, the problem code answered.",
    ["outcome", "reason"],
)
TOP_UPS = Counter(
    "shop_top_ups_total",
    "Top-ups by outcome: created, credited, declined, expired.",
    ["outcome"],
)
PAYMENTS = Counter(
    "shop_payments_total",
    "Card payments of orders by provider and outcome: created (an attempt opened at the "
    "provider), succeeded, failed (declined: the customer may try again), canceled, "
    "refunded (given back: on cancel, or paid after the hold ended with the stock gone).",
    ["provider", "outcome"],
)
PAYMENT_HOLDS_EXPIRED = Counter(
    "shop_payment_holds_expired_total",
    "Card orders cancelled because their payment hold (PAYMENT_HOLD_MINUTES) ended unpaid; "
    "their stock went back to the shelf.",
)
PAYMENT_OLDEST_PENDING = Gauge(
    "shop_payment_oldest_pending_seconds",
    "Age of the oldest card order still awaiting payment, as the hold expiry job saw it on "
    "its last run (0: none). Past the hold plus a margin, the expiry job is not doing its "
    "work (alert PaymentsAwaitingTooLong).",
    multiprocess_mode="mostrecent",
)
TOP_UP_AMOUNT = Counter(
    "shop_top_up_credited_amount_total",
    "Money credited to balances by the payment provider, in the shop's currency.",
    ["currency"],
)

# The database pool of this process (the API's, each worker child's).
DB_POOL_MAX = Gauge(
    "shop_db_pool_max_connections",
    "Connections the pool may open: DB_POOL_SIZE + DB_MAX_OVERFLOW.",
    multiprocess_mode="livemax",
)
DB_POOL_IN_USE = Gauge(
    "shop_db_pool_connections_in_use",
    "Connections checked out of the pool right now.",
    multiprocess_mode="livesum",
)
DB_POOL_OVERFLOW = Gauge(
    "shop_db_pool_overflow_connections",
    "Connections open beyond DB_POOL_SIZE right now.",
    multiprocess_mode="livesum",
)
DB_POOL_WAITS = Counter(
    "shop_db_pool_waits_total",
    "Checkouts that found every connection in use and had to wait for one.",
)
DB_POOL_TIMEOUTS = Counter(
    "shop_db_pool_timeouts_total",
    "Checkouts that waited DB_POOL_TIMEOUT in vain (the request answered 503).",
)
DB_POOL_WAIT_SECONDS = Histogram(
    "shop_db_pool_wait_seconds",
    "Time a checkout waited for a connection (a free one, or a new one being opened).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# Celery, counted by the worker itself (app.core.worker_metrics).
TASKS = Counter(
    "shop_celery_tasks_total",
    "Tasks run by the worker, by task name and outcome: succeeded, retried, failed (the "
    "last attempt failed, or the task is not retried).",
    ["task", "outcome"],
)
TASK_SECONDS = Histogram(
    "shop_celery_task_duration_seconds",
    "Run time of one attempt of a task, by task name.",
    ["task"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)

# HTTP request durations, 5 ms to 10 s (prometheus-fastapi-instrumentator's own default had
# only 0.1, 0.5 and 1 s: a p99 of 30 ms or of 8 s both read as one bucket).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def count_after_commit(session: AsyncSession, counter: Counter, amount: float = 1) -> None:
    """Add `amount` to `counter` (one labelled child) once `session` commits: a request that
    rolls back counts nothing."""
    after_commit(session, lambda: counter.inc(amount))


def process_exiting() -> None:
    """In multiprocess mode, drop this process's live gauges (open sockets, the pool in use)
    from the sums; its counters stay in the totals."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
