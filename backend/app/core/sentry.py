"""Sentry for the API, the worker and beat: small events, no secrets, release and environment.

Measured before this module: one API error event was 1.6 MB (Sentry drops events over 1 MB),
almost all of it local variables of framework frames, and it carried the bearer token, the
refresh cookie, the CSRF token, the login password and the e-mail address in clear.
"""

import re
import tomllib
from collections.abc import MutableMapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from app.core.config import BACKEND_DIR, settings

if TYPE_CHECKING:  # the SDK itself is imported only when Sentry is on
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

REDACTED = "[Filtered]"
# Events past this size are trimmed further (Sentry itself refuses events over 1 MB).
MAX_EVENT_BYTES = 200 * 1024

# Keys whose values are credentials or personal data, wherever they appear in an event.
_SECRET_KEY = re.compile(
    r"authorization|cookie|csrf|password|passwd|secret|token|session|signature|api[_-]?key|"
    r"order[_-]?key|access[_-]?key|"
    r"e-?mail|x-forwarded-for|x-real-ip|remote_addr|ip_address|phone|address|full_name",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"\b(bearer|basic)\s+[\w.~+/=-]+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*")
# A guest order's key offered as the support socket's subprotocol (`order-key.{key}`).
_ORDER_KEY_PROTOCOL = re.compile(r"\b(order-key\.)[\w-]+", re.IGNORECASE)
# key=value or "key": "value" pairs with a secret key, in query strings, messages and SQL
# (`key=`: a guest order link's fragment, `#key=...`; X-Order-Key, access_key).
_SECRET_PAIR = re.compile(
    r"""(?P<key>[\w-]*(?:token|password|passwd|secret|csrf|signature|session|key)[\w-]*)"""
    r"""(?P<sep>["']?\s*[:=]\s*["']?)(?P<value>[^\s&"',;}]+)""",
    re.IGNORECASE,
)


def scrub_text(text: str) -> str:
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    text = _ORDER_KEY_PROTOCOL.sub(rf"\g<1>{REDACTED}", text)
    text = _SECRET_PAIR.sub(lambda m: f"{m.group('key')}{m.group('sep')}{REDACTED}", text)
    return _EMAIL.sub(REDACTED, text)


def scrub(value: Any) -> Any:
    """`value` with every secret-named entry redacted and every string cleaned of tokens,
    passwords and e-mail addresses (walks dicts and lists of any depth)."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and _SECRET_KEY.search(key) and value[key] not in (None, "")
            else scrub(value[key])
            for key in value
        }
    if isinstance(value, list | tuple):
        # Header lists come as [name, value] pairs.
        if len(value) == 2 and isinstance(value[0], str) and _SECRET_KEY.search(value[0]):
            return [value[0], REDACTED]
        return [scrub(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def _size(event: "Event") -> int:
    import orjson

    return len(orjson.dumps(event, default=str))


def _shrink(event: "Event") -> "Event":
    """Drop what matters least until the event fits: breadcrumbs, source lines, middle frames."""
    if _size(event) <= MAX_EVENT_BYTES:
        return event
    event.pop("breadcrumbs", None)
    event.pop("modules", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        frames = (exception.get("stacktrace") or {}).get("frames") or []
        for frame in frames:
            frame.pop("pre_context", None)
            frame.pop("post_context", None)
            frame.pop("vars", None)
        if _size(event) > MAX_EVENT_BYTES and len(frames) > 20:
            exception["stacktrace"]["frames"] = frames[:5] + frames[-15:]
    if _size(event) > MAX_EVENT_BYTES:
        for exception in (event.get("exception") or {}).get("values") or []:
            exception["value"] = (exception.get("value") or "")[:2000]
        event.pop("extra", None)
    return event


def _set_tag(event: "Event", name: str, value: str) -> None:
    tags: Any = event.get("tags")
    if isinstance(tags, list):  # the protocol allows [[name, value], ...] too
        tags.append([name, value])
    else:
        event["tags"] = {**(tags or {}), name: value}


def before_send(event: "Event", hint: "Hint") -> "Event":
    request = event.get("request")
    if isinstance(request, dict):
        # Bodies and cookies are not needed to find a bug, and hold passwords and tokens.
        for key in ("data", "cookies", "env"):
            request.pop(key, None)
    # The user's id only: the SDK may add an address, a name or an e-mail.
    user_id = (event.pop("user", None) or {}).get("id")
    if user_id is not None:
        event["user"] = {"id": str(user_id)}
    # The Celery integration names the task in `extra`; a tag makes events searchable by it.
    extra: Any = event.get("extra") or {}
    task_name = (extra.get("celery-job") or {}).get("task_name")
    if task_name:
        _set_tag(event, "task", str(task_name))
    return _shrink(scrub(event))


def before_breadcrumb(crumb: "Breadcrumb", hint: "BreadcrumbHint") -> "Breadcrumb":
    if crumb.get("category") == "redis":
        # Redis keys name login throttles and limits by address; the command is enough.
        command = str(crumb.get("message") or "").split(" ", 1)[0]
        redacted: Breadcrumb = {**crumb, "message": command, "data": {}}
        return redacted
    scrubbed: Breadcrumb = scrub(crumb)
    return scrubbed


def _initialized() -> bool:
    import sentry_sdk

    return sentry_sdk.is_initialized()


def tag_request(request_id: str, asgi_scope: MutableMapping[str, Any]) -> None:
    """Tag this request's events with its id and, once routed, its route template."""
    if not _initialized():
        return
    import sentry_sdk

    scope = sentry_sdk.get_isolation_scope()
    scope.set_tag("request_id", request_id)

    def add_route(event: "Event", hint: dict[str, Any]) -> "Event":
        route = getattr(asgi_scope.get("route"), "path", None)
        if route:
            _set_tag(event, "route", route)
        return event

    scope.add_event_processor(add_route)


def tag_user(user_id: int) -> None:
    """Tag the current request's (or socket's) events with the caller's id, never more."""
    if not _initialized():
        return
    import sentry_sdk

    sentry_sdk.set_tag("user_id", str(user_id))
    sentry_sdk.set_user({"id": str(user_id)})


@lru_cache
def release() -> str:
    import sentry_sdk.utils

    if settings.sentry_release:
        return settings.sentry_release
    guessed = sentry_sdk.utils.get_default_release()
    if guessed:
        return guessed
    with (BACKEND_DIR / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    return f"{project['name']}@{project['version']}"


def init_sentry(component: str) -> bool:
    """Start reporting to SENTRY_DSN (when set) from this process; `component` tags events."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        release=release(),
        environment=settings.environment,
        send_default_pii=False,
        # Frame locals were 95 % of each event and held the request, its headers and body,
        # and the app's settings; no filter can tell every secret in them, so none are sent.
        include_local_variables=False,
        # Request bodies hold passwords (login, register, reset) and personal data.
        max_request_body_size="never",
        max_value_length=2048,
        max_breadcrumbs=50,
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=settings.sentry_traces_sample_rate,
    )
    sentry_sdk.set_tag("component", component)
    return True


# --- the storefront's events ------------------------------------------------------------------
# The browser SDK sends its envelopes to the shop's own origin (Sentry's `tunnel` option): the
# storefront's CSP stays `connect-src 'self'`, and every event is scrubbed here exactly like
# the backend's own before it goes on to Sentry.

MAX_ENVELOPE_BYTES = MAX_EVENT_BYTES * 2


class EnvelopeRefused(ValueError):
    """Not an envelope of ours: malformed, or for another DSN."""


def _dsn_parts(dsn: str) -> tuple[str, str, str]:
    """(origin, project id, public key) of a DSN like https://key@host/42."""
    from urllib.parse import urlsplit

    parts = urlsplit(dsn)
    project = parts.path.rstrip("/").rsplit("/", 1)[-1]
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return origin, project, parts.username or ""


def scrubbed_envelope(body: bytes, dsn: str) -> bytes | None:
    """The browser's envelope with its events scrubbed as before_send does and tagged as the
    storefront's; other items (sessions, replays, attachments) are dropped. None when no event
    is left."""
    import orjson

    try:
        header_line, _, rest = body.partition(b"\n")
        header = orjson.loads(header_line)
        if not isinstance(header, dict) or _dsn_parts(str(header.get("dsn", ""))) != _dsn_parts(
            dsn
        ):
            raise EnvelopeRefused("The envelope is not for this shop's DSN.")
        events = []
        while rest.strip():
            item_line, _, rest = rest.partition(b"\n")
            item = orjson.loads(item_line)
            length = item.get("length")
            if length is None:
                payload, _, rest = rest.partition(b"\n")
            else:
                payload, rest = rest[:length], rest[length + 1 :]
            if item.get("type") == "event":
                events.append(orjson.loads(payload))
    except (orjson.JSONDecodeError, AttributeError, TypeError) as error:
        raise EnvelopeRefused("The body is not a Sentry envelope.") from error
    if not events:
        return None
    out = [orjson.dumps({"event_id": header.get("event_id"), "dsn": dsn})]
    for event in events:
        if not isinstance(event, dict):
            raise EnvelopeRefused("An event is not an object.")
        event = before_send(cast("Event", event), {})
        _set_tag(event, "component", "web")
        payload = orjson.dumps(event)
        out += [orjson.dumps({"type": "event", "length": len(payload)}), payload]
    return b"\n".join(out) + b"\n"


def forward_envelope(envelope: bytes, dsn: str) -> None:
    """POST the envelope to Sentry's envelope endpoint for `dsn` (blocking; 5 s at most)."""
    import urllib.request

    origin, project, key = _dsn_parts(dsn)
    request = urllib.request.Request(  # noqa: S310 (SENTRY_DSN is checked to be http(s) at start)
        f"{origin}/api/{project}/envelope/",
        data=envelope,
        method="POST",
        headers={
            "Content-Type": "application/x-sentry-envelope",
            "X-Sentry-Auth": f"Sentry sentry_version=7, sentry_key={key}, "
            "sentry_client=shop-tunnel/1.0",
        },
    )
    with urllib.request.urlopen(request, timeout=5.0):  # noqa: S310 (as above)
        pass
