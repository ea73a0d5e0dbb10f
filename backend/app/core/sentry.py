"""Sentry for the API, the worker and beat: small events, no secrets, release and environment.

Measured before this module: one API error event was 1.6 MB (Sentry drops events over 1 MB),
almost all of it local variables of framework frames, and it carried the bearer token, the
refresh cookie, the CSRF token, the login password and the e-mail address in clear.
"""

import re
import tomllib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from app.core.config import BACKEND_DIR, settings

if TYPE_CHECKING:  # the SDK itself is imported only when Sentry is on
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

REDACTED = "[Filtered]"
# Events past this size are trimmed further (Sentry itself refuses events over 1 MB).
MAX_EVENT_BYTES = 200 * 1024

# Keys whose values are credentials or personal data, wherever they appear in an event.
_SECRET_KEY = re.compile(
    r"authorization|cookie|csrf|password|passwd|secret|token|session|signature|api[_-]?key|"
    r"e-?mail|x-forwarded-for|x-real-ip|remote_addr|ip_address|phone|address|full_name",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"\b(bearer|basic)\s+[\w.~+/=-]+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*")
# key=value or "key": "value" pairs with a secret key, in query strings, messages and SQL.
_SECRET_PAIR = re.compile(
    r"""(?P<key>[\w-]*(?:token|password|passwd|secret|csrf|signature|session)[\w-]*)"""
    r"""(?P<sep>["']?\s*[:=]\s*["']?)(?P<value>[^\s&"',;}]+)""",
    re.IGNORECASE,
)


def scrub_text(text: str) -> str:
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
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


def before_send(event: "Event", hint: "Hint") -> "Event":
    request = event.get("request")
    if isinstance(request, dict):
        # Bodies and cookies are not needed to find a bug, and hold passwords and tokens.
        for key in ("data", "cookies", "env"):
            request.pop(key, None)
    event.pop("user", None)
    return _shrink(scrub(event))


def before_breadcrumb(crumb: "Breadcrumb", hint: "BreadcrumbHint") -> "Breadcrumb":
    scrubbed: Breadcrumb = scrub(crumb)
    return scrubbed


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
        traces_sample_rate=0.0,
    )
    sentry_sdk.set_tag("component", component)
    return True
