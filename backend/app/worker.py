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

celery_app = Celery("shop", broker=settings.redis_url, include=TASK_MODULES)
celery_app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    timezone="UTC",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    # Longer than the longest task, so a task in flight is not handed to a second worker.
    broker_transport_options={
        "visibility_timeout": 3600,
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
