"""Security headers from the app itself, so its port is safe without nginx in front."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The storefront's policy, also right for JSON answers and media (nginx sends the same).
DEFAULT_CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "img-src 'self' data:; connect-src 'self'"
)


def admin_csp(nonce: str | None = None) -> str:
    """The panel's policy. Scripts: SQLAdmin's and ours, served from /admin/statics, and an
    inline <script> only when it carries this response's nonce (the admin middleware makes one
    per response; no 'unsafe-inline', so markup injected into a page cannot run). Styles keep
    'unsafe-inline': SQLAdmin's templates and its bundled Tabler, Select2 and flatpickr set
    style attributes, and a style cannot run code."""
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return (
        f"default-src 'self'; script-src {scripts}; script-src-attr 'none'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


# For an /admin answer that does not come through the panel's middleware (none should): the
# same policy without a nonce, so no inline script runs at all.
ADMIN_CSP = admin_csp()


class SecurityHeadersMiddleware:
    """Adds nosniff, a Referrer-Policy, a CSP chosen by path prefix, and no framing, to every
    HTTP answer that does not set its own (the admin's same-origin Referrer-Policy stays)."""

    def __init__(self, app: ASGIApp, csp_by_prefix: dict[str, str]) -> None:
        self.app = app
        # Longest prefix first, so /api/docs wins over a shorter one.
        self.policies = sorted(
            ((prefix, policy.encode()) for prefix, policy in csp_by_prefix.items()),
            key=lambda item: -len(item[0]),
        )
        self.common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"x-frame-options", b"DENY"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]

    def _policy(self, path: str) -> bytes:
        for prefix, policy in self.policies:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return policy
        return DEFAULT_CSP.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*self.common, (b"content-security-policy", self._policy(scope["path"]))]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(item for item in extra if item[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
