"""The Celery app: Redis broker, reliable delivery settings, the beat schedule."""

import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import (
    beat_init,
    celeryd_init,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_process_shutdown,
)

from app.core.config import settings

# Prefork children write their metrics here (app.core.worker_metrics); made before any is.
if multiprocess_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(multiprocess_dir).mkdir(parents=True, exist_ok=True)

TASK_MODULES = [
    "app.core.outbox",
    "app.auth.tasks",
    "app.users.tasks",
    "app.users.mails",
    "app.orders.tasks",
    "app.payments.tasks",
]

# The longest task is a mail: its SMTP client gives up on each step after 20 s
# (app/mail/sender.py), so a live send takes seconds, a hanging server tens of them; the
# periodic jobs are one statement or a few outbox batches. At the soft limit a task gets
# SoftTimeLimitExceeded, at the hard one its prefork child is replaced (the solo pool of the
# tests enforces neither). The hard limit equals compose's stop_grace_period of the worker.
TASK_SOFT_TIME_LIMIT = 45
TASK_TIME_LIMIT = 60
# The longest wait of a mail retry (app.core.mailtask): the worker holds the message,
# unacknowledged, until its countdown is over.
RETRY_COUNTDOWN_MAX = 120

# Redis hands a message that stayed unacknowledged for visibility_timeout to another worker:
# that is how long the jobs a dead worker had taken wait (kombu's default, 1 h, left a reset
# link an hour late). A live worker holds one at most RETRY_COUNTDOWN_MAX + TASK_TIME_LIMIT
# (3 min), so CELERY_VISIBILITY_TIMEOUT's default of 5 min takes nothing from a live worker
# in practice; when it does (a smaller setting, a pool busy past the bound), the second run
# is harmless: each mail is claimed in Redis and sent once (app.core.mailtask.send_once).
# Every worker looks for such messages every RESTORE_SWEEP_SECONDS, and once at its start.
VISIBILITY_TIMEOUT = settings.celery_visibility_timeout
RESTORE_SWEEP_SECONDS = min(10, VISIBILITY_TIMEOUT)

celery_app = Celery("shop", broker=settings.redis_url, include=TASK_MODULES)
celery_app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # A worker reserves only what its pool can start now (one message per child): a
    # prefetched one would be stuck with a dead worker too, and waits behind a running task.
    worker_prefetch_multiplier=1,
    worker_disable_prefetch=True,
    task_soft_time_limit=TASK_SOFT_TIME_LIMIT,
    task_time_limit=TASK_TIME_LIMIT,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    timezone="UTC",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": VISIBILITY_TIMEOUT,
        "unacked_restore_interval": RESTORE_SWEEP_SECONDS,
        # Scan at every sweep (kombu's default scans at every 10th: 100 s apart).
        "unacked_restore_throttle": 1,
        # A broker that stops answering is an error after 5 s, not a hang.
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
    },
    broker_connection_timeout=5,
    task_default_queue="shop",
    worker_hijack_root_logger=False,
    beat_schedule={
        "purge-unverified-users": {
            "task": "app.users.tasks.purge_unverified_users",
            "schedule": crontab(minute="*/15"),
        },
        # Pages of the test provider and the pending limit look at expires_at themselves;
        # this only writes the status down.
        "expire-top-ups": {
            "task": "app.payments.tasks.expire_top_ups",
            "schedule": crontab(minute="*/5"),
        },
        # Card orders unpaid when their hold ends: cancelled, their stock back on the shelf.
        "expire-payment-holds": {
            "task": "app.payments.tasks.expire_payment_holds",
            "schedule": crontab(minute="*"),
        },
        # Jobs an API process committed but died before publishing (app.core.outbox).
        "relay-job-outbox": {
            "task": "app.core.outbox.relay_jobs",
            "schedule": crontab(minute="*"),
        },
        "purge-idempotency-keys": {
            "task": "app.orders.tasks.purge_idempotency_keys",
            "schedule": crontab(minute=7),
        },
    },
)


@setup_logging.connect
def _configure_logging(**_: object) -> None:
    from app.core.logging import configure_logging

    configure_logging(settings.log_level)


@celeryd_init.connect
def _sentry_in_worker(**_: object) -> None:
    # Here, not at import: the API imports this module too (to send tasks). A task failure
    # is reported once, by its last attempt: the retries before it raise celery's Retry,
    # which the SDK does not report.
    from app.core.sentry import init_sentry

    init_sentry("worker")


@celeryd_init.connect
def _metrics_endpoint(**_: object) -> None:
    # In the main process, which outlives the prefork children it adds up.
    if settings.worker_metrics_port is None:
        return
    from app.core import worker_metrics

    worker_metrics.serve(
        settings.worker_metrics_port,
        settings.worker_metrics_host,
        lambda: [celery_app.conf.task_default_queue],
    )


@task_prerun.connect
def _task_started(**kwargs: Any) -> None:
    from app.core.worker_metrics import task_started

    task_started(**kwargs)


@task_postrun.connect
def _task_finished(**kwargs: Any) -> None:
    from app.core.worker_metrics import task_finished

    task_finished(**kwargs)


@worker_process_shutdown.connect
def _child_exited(pid: int, **_: object) -> None:
    from app.core.worker_metrics import child_exited

    child_exited(pid)


@beat_init.connect
def _sentry_in_beat(**_: object) -> None:
    from app.core.sentry import init_sentry

    init_sentry("beat")


@worker_process_init.connect
def _fresh_pools_in_child(**_: object) -> None:
    # A forked child must not reuse connections opened by its parent.
    from app.core.db import engine

    engine.sync_engine.dispose(close=False)
