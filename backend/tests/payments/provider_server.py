"""A stand-in for Stripe's and YooKassa's APIs on 127.0.0.1, for their official SDKs.

A real HTTP server in a thread: it answers the SDKs' calls with the JSON shapes the
providers document (Stripe's Checkout Session and Refund objects; YooKassa's payment and
refund objects) and records every request (method, path, headers, body) for the tests to
look at. The tests point the SDKs at it with STRIPE_API_BASE / YOOKASSA_API_BASE."""

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import orjson


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    def form(self) -> dict[str, str]:
        """A Stripe request's form body, keys as sent (`metadata[top_up_id]`)."""
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class ProviderServer:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    # Stripe's Checkout Sessions by id, as created (tests build their events from them).
    stripe_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    # YooKassa's payments by id, as GET /v3/payments/{id} answers them (tests change status).
    yookassa_payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, method: str, path: str) -> list[Recorded]:
        with self.lock:
            return [r for r in self.requests if (r.method, r.path) == (method, path)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _stripe_session(form: dict[str, str]) -> dict[str, Any]:
    session_id = "cs_test_" + secrets.token_hex(16)
    metadata = {
        key.removeprefix("metadata[").removesuffix("]"): value
        for key, value in form.items()
        if key.startswith("metadata[")
    }
    unit = int(form["line_items[0][price_data][unit_amount]"])
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": unit,
        "amount_total": unit * int(form.get("line_items[0][quantity]", "1")),
        "cancel_url": form.get("cancel_url"),
        "client_reference_id": form.get("client_reference_id"),
        "created": int(datetime.now(UTC).timestamp()),
        "currency": form["line_items[0][price_data][currency]"],
        "expires_at": int(datetime.now(UTC).timestamp()) + 86400,
        "livemode": False,
        "metadata": metadata,
        "mode": form["mode"],
        "payment_intent": None,
        "payment_status": "unpaid",
        "status": "open",
        "success_url": form.get("success_url"),
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
    }


def _stripe_refund(form: dict[str, str]) -> dict[str, Any]:
    return {
        "id": "re_" + secrets.token_hex(12),
        "object": "refund",
        "amount": int(form["amount"]),
        "charge": "ch_" + secrets.token_hex(12),
        "created": int(datetime.now(UTC).timestamp()),
        "currency": "eur",
        "metadata": {},
        "payment_intent": form["payment_intent"],
        "reason": None,
        "status": "succeeded",
    }


def _yookassa_payment(body: dict[str, Any]) -> dict[str, Any]:
    payment_id = f"{secrets.token_hex(4)}-000f-5000-8000-{secrets.token_hex(6)}"
    return {
        "id": payment_id,
        "status": "pending",
        "paid": False,
        "amount": body["amount"],
        "confirmation": {
            "type": "redirect",
            "return_url": body["confirmation"]["return_url"],
            "confirmation_url": (
                f"https://yoomoney.ru/checkout/payments/v2/contract?orderId={payment_id}"
            ),
        },
        "created_at": _now(),
        "description": body.get("description"),
        "metadata": body.get("metadata", {}),
        "recipient": {"account_id": "100500", "gateway_id": "100700"},
        "refundable": False,
        "test": True,
    }


def _yookassa_refund(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{secrets.token_hex(4)}-0015-5000-9000-{secrets.token_hex(6)}",
        "payment_id": body["payment_id"],
        "status": "succeeded",
        "created_at": _now(),
        "amount": body["amount"],
    }


def _not_found(what: str) -> tuple[int, dict[str, Any]]:
    return 404, {
        "type": "error",
        "id": secrets.token_hex(8),
        "code": "not_found",
        "description": f"{what} not found",
    }


def _handler(server: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record = Recorded(
                self.command,
                self.path.split("?", 1)[0],
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            with server.lock:
                server.requests.append(record)
            status, answer = self._route(record)
            payload = orjson.dumps(answer)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _route(self, r: Recorded) -> tuple[int, dict[str, Any]]:
            if (r.method, r.path) == ("POST", "/v1/checkout/sessions"):
                session = _stripe_session(r.form())
                with server.lock:
                    server.stripe_sessions[session["id"]] = session
                return 200, session
            if (r.method, r.path) == ("POST", "/v1/refunds"):
                return 200, _stripe_refund(r.form())
            if (r.method, r.path) == ("POST", "/v3/payments"):
                payment = _yookassa_payment(r.json())
                with server.lock:
                    server.yookassa_payments[payment["id"]] = payment
                return 200, payment
            if r.method == "GET" and r.path.startswith("/v3/payments/"):
                with server.lock:
                    found = server.yookassa_payments.get(r.path.rsplit("/", 1)[1])
                return (200, found) if found else _not_found("Payment")
            if (r.method, r.path) == ("POST", "/v3/refunds"):
                return 200, _yookassa_refund(r.json())
            return _not_found(r.path)

        do_GET = do_POST = _answer

    return Handler


def start() -> tuple[ProviderServer, ThreadingHTTPServer]:
    server = ProviderServer()
    http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    http.daemon_threads = True
    server.url = f"http://127.0.0.1:{http.server_address[1]}"
    threading.Thread(target=http.serve_forever, daemon=True).start()
    return server, http
