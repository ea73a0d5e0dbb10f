"""Guards in front of the admin app: same-origin unsafe requests, no framing or caching, and
a script policy with a fresh nonce for every response."""

import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import settings
from app.core.security_headers import admin_csp

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower-cased; None when it has no scheme or host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _own_origin(scope: Scope, headers: Headers) -> str | None:
    host = headers.get("host")
    if not host:
        return None
    return f"{scope.get('scheme', 'http')}://{host}".lower()


class AdminCsrfMiddleware:
    """SQLAdmin has no CSRF tokens: an unsafe request must come from our own origin.

    The Origin header decides (the Referer's origin when a browser sent no Origin); a
    request carrying neither is refused, as is `Origin: null`. The session cookie is
    SameSite=Strict as well; this is the second lock.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        source = _origin_of(origin) if origin is not None else None
        if origin is None and headers.get("referer"):
            source = _origin_of(headers["referer"])
        allowed = {o.lower() for o in settings.allowed_origins}
        own = _own_origin(scope, headers)
        if own:
            allowed.add(own)
        if source is None or source not in allowed:
            response = PlainTextResponse(
                "Cross-site request refused: the admin accepts changes only from its own pages.",
                status_code=403,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def csp_nonce(scope: Scope) -> str:
    """This request's script nonce (AdminHeadersMiddleware put it in the request state)."""
    nonce: str = scope["state"]["csp_nonce"]
    return nonce


class AdminHeadersMiddleware:
    """The panel is never framed (clickjacking), its pages are never cached, and its CSP allows
    only our own script files and the inline scripts that carry this response's nonce
    (templates write it with `{{ csp_nonce() }}`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = "/statics/" in scope.get("path", "")
        # 128 random bits, new for every response: a nonce seen in one page is no use in another.
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = admin_csp(nonce)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
