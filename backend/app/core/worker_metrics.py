"""The Celery worker's metrics: every task's outcome and run time, and a /metrics endpoint of
its own with the queue's depth.

Under prefork the tasks run in child processes; with PROMETHEUS_MULTIPROC_DIR set each child
writes its values to a file there and the endpoint (served by the main process, which
outlives the children) adds them up, so nothing is lost when a child is replaced.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication as WSGIApp
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import redis
import structlog
from celery import Task
from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.core.config import settings
from app.core.metrics import TASK_SECONDS, TASKS, address_allowed, token_matches

log = structlog.get_logger(__name__)

OUTCOMES = {"SUCCESS": "succeeded", "RETRY": "retried", "FAILURE": "failed"}
# kombu's Redis transport keeps a queue's prioritised messages in lists named queue + this
# separator + the priority step (celery's default steps are 0, 3, 6 and 9).
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)
_UNACKED_KEY = "unacked"

_started: dict[str, float] = {}


def task_started(task_id: str, **_: Any) -> None:
    _started[task_id] = time.perf_counter()


def task_finished(task_id: str, task: "Task[Any, Any]", state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    TASKS.labels(task.name, OUTCOMES.get(state or "", "other")).inc()
    if started is not None:
        TASK_SECONDS.labels(task.name).observe(time.perf_counter() - started)


class QueueDepth(Collector):
    """Messages waiting in the broker's queues and delivered but not yet acknowledged, read
    from Redis at each scrape (nothing is reported when Redis does not answer)."""

    def __init__(self, redis_url: str, queues: Callable[[], Iterable[str]]) -> None:
        self.client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self.queues = queues

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily(
            "shop_celery_queue_length",
            "Tasks waiting in the broker queue, not yet taken by a worker.",
            labels=["queue"],
        )
        unacked = GaugeMetricFamily(
            "shop_celery_tasks_unacknowledged",
            "Tasks handed to a worker and not yet acknowledged (running, or waiting in a "
            "worker's prefetch; acks_late acknowledges after the task).",
        )
        try:
            for queue in self.queues():
                pipe = self.client.pipeline(transaction=False)
                pipe.llen(queue)
                for step in _PRIORITY_STEPS:
                    pipe.llen(f"{queue}{_PRIORITY_SEPARATOR}{step}")
                waiting.add_metric([queue], sum(pipe.execute()))
            unacked.add_metric([], self.client.hlen(_UNACKED_KEY))
        except redis.RedisError as error:
            log.warning("queue_depth_unavailable", error=type(error).__name__)
            return
        yield waiting
        yield unacked


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass  # one line per scrape is noise


def _guarded(app: "WSGIApp") -> "WSGIApp":
    """`app` for callers /metrics of the API lets in (METRICS_ALLOW_IPS, METRICS_TOKEN);
    anyone else gets a 404."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if address_allowed(environ.get("REMOTE_ADDR", "")) or token_matches(
            environ.get("HTTP_AUTHORIZATION", "")
        ):
            answer: Iterable[bytes] = app(environ, start_response)
            return answer
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not Found"]

    return guarded


def registry(queues: Callable[[], Iterable[str]]) -> CollectorRegistry:
    """What the endpoint shows: every process's values (multiprocess mode) or this one's, and
    the queue depth."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shown = CollectorRegistry()
        multiprocess.MultiProcessCollector(shown)  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
    else:
        shown = REGISTRY
    shown.register(QueueDepth(settings.redis_url, queues))
    return shown


def serve(port: int, host: str, queues: Callable[[], Iterable[str]]) -> WSGIServer | None:
    """Serve /metrics on host:port from a thread of this process; None when the port is taken
    (the worker runs on, without the endpoint)."""
    app = _guarded(make_wsgi_app(registry(queues)))
    try:
        server = make_server(host, port, app, _Server, handler_class=_QuietHandler)
    except OSError as error:
        log.error("worker_metrics_unavailable", host=host, port=port, error=str(error))
        return None
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("worker_metrics_serving", host=host, port=port)
    return server


def child_exited(pid: int) -> None:
    """Drop a finished child's live gauges (its counters stay in the totals)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
