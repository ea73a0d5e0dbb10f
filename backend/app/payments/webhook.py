"""Signing of the payment provider's webhook: HMAC-SHA256 over `{timestamp}.{raw body}`."""

import hashlib
import hmac
import re
import time
from decimal import Decimal
from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.payments.errors import InvalidSignature

TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed(payload: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a signed webhook call carrying `payload`."""
    body = orjson.dumps(payload, default=str)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": timestamp,
        "X-Signature": sign(secret, timestamp, body),
    }
    return body, headers


def build_request(
    user_id: int,
    account_id: int,
    amount: Decimal,
    transaction_id: str,
    secret: str,
    top_up_id: int | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of a signed webhook call (the test provider's, the CLI's)."""
    payload: dict[str, str | int] = {
        "transaction_id": transaction_id,
        "account_id": account_id,
        "user_id": user_id,
        "amount": str(amount),
    }
    if top_up_id is not None:
        payload["top_up_id"] = top_up_id
    return signed(payload, secret)


_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
) -> None:
    """Raise InvalidSignature unless `signature` signs `body` at a `timestamp` within 5 min."""
    if not timestamp or not signature:
        raise InvalidSignature("X-Timestamp and X-Signature headers are required.")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise InvalidSignature("X-Timestamp must be Unix time in seconds.")
    if not _SIGNATURE.fullmatch(signature.strip()):
        raise InvalidSignature("X-Signature must be 64 hex digits (HMAC-SHA256).")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise InvalidSignature("X-Timestamp is outside the 5-minute window.")
    expected = sign(secret, timestamp, body).encode()
    if not hmac.compare_digest(expected, signature.strip().lower().encode()):
        raise InvalidSignature("The signature does not match the body.")


def invalid_body(exc: ValidationError) -> RequestValidationError:
    """A signed body that is not a valid payload: the API's usual 400 / 422 problem."""
    return RequestValidationError(exc.errors(include_url=False))
