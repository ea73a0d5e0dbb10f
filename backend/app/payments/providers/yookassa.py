"""YooKassa (PAYMENT_PROVIDER=yookassa), through its official SDK.

A payment is created with a `redirect` confirmation (YooKassa's payment page) and captured
at once; the shop's ids go into its metadata. YooKassa does not sign its HTTP
notifications: the shop believes one only when it comes from YooKassa's own networks (the
SDK's `SecurityHelper`) and the payment, fetched back from the API with the shop's key
(YooKassa's recommended check), says the same. The SDK's calls are blocking (requests):
they run in a thread, bounded by PAYMENT_PROVIDER_TIMEOUT."""

import asyncio
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import orjson
import structlog
from yookassa import Configuration, Payment, Refund
from yookassa.domain.common import SecurityHelper
from yookassa.domain.exceptions import NotFoundError
from yookassa.domain.notification import WebhookNotificationFactory

from app.core.config import settings
from app.payments.errors import (
    InvalidNotification,
    InvalidSignature,
    PaymentProviderUnavailable,
)
from app.payments.providers.base import (
    PaymentRequest,
    PaymentStatus,
    ProviderCheckout,
    ProviderEvent,
    ProviderRefund,
)

log = structlog.get_logger(__name__)

NAME = "yookassa"
DEFAULT_API_BASE = "https://api.yookassa.ru/v3"
# The payment's status (as fetched back) -> what it means; others (pending,
# waiting_for_capture) are not settled yet.
_STATUSES: dict[str, PaymentStatus] = {"succeeded": "succeeded", "canceled": "canceled"}
_PAYMENT_EVENTS = ("payment.succeeded", "payment.canceled")
T = TypeVar("T")


def _configure() -> None:
    """The SDK keeps its settings on a class; every call sets them from ours."""
    key = settings.yookassa_secret_key
    Configuration.configure(
        settings.yookassa_shop_id,
        key.get_secret_value() if key else None,
        api_url=(settings.yookassa_api_base or DEFAULT_API_BASE).rstrip("/"),
    )


async def _call(function: Callable[[], T]) -> T:
    """One SDK call in a worker thread; its errors as the shop's."""

    def configured() -> T:
        _configure()
        return function()

    try:
        return await asyncio.wait_for(
            asyncio.to_thread(configured), timeout=settings.payment_provider_timeout
        )
    except NotFoundError:
        raise
    # Broad on purpose: besides its ApiError family, the SDK turns a refused connection into
    # an AttributeError (it reads `.response` of requests' ConnectionError, which is None).
    except Exception as error:
        log.warning("yookassa_call_failed", error=repr(error)[:300])
        raise PaymentProviderUnavailable(
            "YooKassa did not take the request; try again in a minute."
        ) from None


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdecimal() else None


class YooKassaProvider:
    name = NAME

    async def create_payment(self, request: PaymentRequest) -> ProviderCheckout:
        params = {
            "amount": {"value": f"{request.amount:.2f}", "currency": request.currency},
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "capture": True,
            "description": request.description[:128],
            "metadata": request.metadata(),
        }
        payment: Any = await _call(lambda: Payment.create(params, request.idempotency_key))
        url = getattr(payment.confirmation, "confirmation_url", None)
        if not url:
            raise PaymentProviderUnavailable("YooKassa answered without a payment page.")
        return ProviderCheckout(redirect_url=str(url), reference=str(payment.id))

    async def parse_notification(
        self, headers: Mapping[str, str], body: bytes, client_ip: str | None
    ) -> ProviderEvent | None:
        if not client_ip or not _trusted(client_ip):
            raise InvalidSignature("Notifications are taken only from YooKassa's networks.")
        try:
            notification: Any = WebhookNotificationFactory().create(orjson.loads(body))
            event, payment_id = str(notification.event), str(notification.object.id)
        except (orjson.JSONDecodeError, ValueError, TypeError, AttributeError, KeyError):
            raise InvalidNotification("The body is not a YooKassa notification.") from None
        if event not in _PAYMENT_EVENTS:
            return None  # refund.succeeded and the like: nothing to do for a top-up
        try:
            # The notification is a hint; the payment as the API tells it is the fact.
            payment: Any = await _call(lambda: Payment.find_one(payment_id))
        except NotFoundError:
            raise InvalidSignature(
                f"YooKassa knows no payment {payment_id} of this shop."
            ) from None
        status = _STATUSES.get(str(payment.status))
        if status is None:
            return None
        metadata = payment.metadata or {}
        return ProviderEvent(
            payment_id=str(payment.id),
            amount=Decimal(str(payment.amount.value)),
            currency=str(payment.amount.currency),
            status=status,
            top_up_id=_int_or_none(metadata.get("top_up_id")),
            order_id=_int_or_none(metadata.get("order_id")),
            reference=str(payment.id),  # a YooKassa payment is the attempt
        )

    async def refund(
        self, payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        params = {
            "payment_id": payment_id,
            "amount": {"value": f"{amount:.2f}", "currency": currency},
        }
        try:
            refund: Any = await _call(lambda: Refund.create(params, idempotency_key))
        except NotFoundError:
            raise PaymentProviderUnavailable(f"YooKassa knows no payment {payment_id}.") from None
        return ProviderRefund(
            reference=str(refund.id),
            status="succeeded" if refund.status == "succeeded" else "pending",
        )


def _trusted(ip: str) -> bool:
    try:
        return bool(SecurityHelper().is_ip_trusted(ip))
    except Exception:  # not an address at all (netaddr's own errors)
        return False
