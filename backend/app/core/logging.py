"""Structured JSON logs, and the request context middleware (request id, access log, 500s)."""

import logging
import re
import sys
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.typing import EventDict, Processor

from app.core.errors import problem_response
from app.core.sentry import tag_request

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# A guest order's link key (`#key=...`, the X-Order-Key header, `access_key`) in any logged
# value; fields of those names are dropped whole. The key opens an order: it is a credential.
_ORDER_KEY_FIELDS = frozenset({"x-order-key", "x_order_key", "access_key", "order_key"})
_ORDER_KEY = re.compile(
    r"""(?P<name>(?:x-order-key|order[_-]?key|access[_-]?key|\bkey)["']?\s*[:=.]\s*["']?)"""
    r"""[^\s&"',;}]+""",
    re.IGNORECASE,
)
REDACTED = "[Filtered]"


def redact_order_keys(_: object, __: str, event: EventDict) -> EventDict:
    """structlog processor: no order link key reaches a log line."""
    for name, value in event.items():
        if name.lower() in _ORDER_KEY_FIELDS and value:
            event[name] = REDACTED
        elif isinstance(value, str) and "key" in value.lower():
            event[name] = _ORDER_KEY.sub(rf"\g<name>{REDACTED}", value)
    return event


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        redact_order_keys,
    ]
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # The middleware below writes one access line per request; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True


access_log = structlog.get_logger("shop.access")


class RequestContextMiddleware:
    """Outermost app middleware: request id in and out, one access log line, and a 500
    problem (without internals) for anything unhandled below."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        tag_request(request_id, scope)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            access_log.exception("unhandled_error", path=scope.get("path"))
            if scope["type"] == "http" and not response_started:
                response = problem_response(
                    500,
                    "internal_error",
                    "Internal server error",
                    "Something went wrong on our side; it has been logged.",
                    headers={"X-Request-ID": request_id},
                )
                await response(scope, receive, send)
                status = 500
        finally:
            if scope["type"] == "http":
                access_log.info(
                    "request",
                    method=scope.get("method"),
                    path=scope.get("path"),
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    client=(scope.get("client") or ("", 0))[0],
                )
