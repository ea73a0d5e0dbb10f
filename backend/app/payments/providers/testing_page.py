"""The test payment provider's page (PAYMENT_PROVIDER=test; refused in production).

Its page, served by the API, lets the customer approve or decline a top-up or an order's
card payment. Approving makes it send the signed webhook to the shop's webhook endpoint, as
a real provider would, after the answer has gone out; declining marks the top-up declined,
or for an order sends the signed `failed` notification (the order stays payable). Either
way the customer is sent back to the return URL on the storefront. Its own record of
decisions lives in Redis, like a provider's database would be elsewhere."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import httpx
import structlog
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.core.config import settings
from app.core.db import SessionDep
from app.core.errors import NotFound
from app.core.redis import redis
from app.models import CardPayment, CardPaymentStatus, OrderStatus, TopUp, TopUpStatus
from app.payments import service
from app.payments.providers.testing import NAME, PAGE_PATH
from app.payments.webhook import build_request, signed

log = structlog.get_logger(__name__)

WEBHOOK_PATH = "/api/v1/payments/webhook"
DELIVERY_ATTEMPTS = 4
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
    autoescape=select_autoescape(["html"]),
)
_STYLESHEET = (Path(__file__).resolve().parents[1] / "templates" / "test_provider.css").read_text()


# --- the provider's page -----------------------------------------------------------------------


def _enabled() -> None:
    if settings.payment_provider != NAME:
        raise NotFound("The test payment provider is off.")


router = APIRouter(
    prefix="/payments/test-provider",
    tags=["test payment provider"],
    include_in_schema=False,
    dependencies=[Depends(_enabled)],
)
Reference = Annotated[str, PathParam(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page_headers() -> dict[str, str]:
    # No scripts at all; the form posts here, and the answer redirects to the storefront.
    csp = (
        "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
        f"form-action 'self' {_origin(settings.frontend_url)}"
    )
    return {
        "Content-Security-Policy": csp,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
    }


def _payable(top_up: TopUp) -> bool:
    return top_up.status == TopUpStatus.pending and top_up.expires_at > datetime.now(UTC)


@dataclass(frozen=True)
class _Payment:
    """What the page asks the customer to pay: a top-up or an order's card attempt."""

    amount: Decimal
    currency: str
    purpose: str
    return_url: str
    state: str  # payable, approved, declined, expired
    expires_at: datetime
    top_up: TopUp | None = None
    attempt: CardPayment | None = None


def _attempt_state(attempt: CardPayment) -> str:
    order = attempt.order
    if attempt.status in (CardPaymentStatus.succeeded, CardPaymentStatus.refunded):
        return "approved"
    if attempt.status == CardPaymentStatus.failed:
        return "declined"
    hold = order.hold_expires_at
    open_ = order.status == OrderStatus.pending and hold is not None and hold > datetime.now(UTC)
    return "payable" if attempt.status == CardPaymentStatus.pending and open_ else "expired"


async def _payment(session: SessionDep, reference: str) -> _Payment:
    decision = await redis.get(_decision_key(reference))
    attempt = await service.provider_card_payment(session, NAME, reference)
    if attempt is not None:
        state = _attempt_state(attempt)
        if state == "payable" and decision is not None:
            state = "approved" if decision == "approve" else "declined"
        return _Payment(
            amount=attempt.amount,
            currency=attempt.currency,
            purpose=f"Order {attempt.order.number}",
            return_url=attempt.return_url,
            state=state,
            expires_at=attempt.order.hold_expires_at or datetime.now(UTC),
            attempt=attempt,
        )
    top_up = await service.provider_top_up(session, NAME, reference)
    if top_up.status == TopUpStatus.succeeded or decision == "approve":
        state = "approved"
    elif top_up.status == TopUpStatus.declined or decision == "decline":
        state = "declined"
    else:
        state = "payable" if _payable(top_up) else "expired"
    return _Payment(
        amount=top_up.amount,
        currency=top_up.currency,
        purpose=f"Adding funds to account {top_up.account_id}",
        return_url=top_up.return_url,
        state=state,
        expires_at=top_up.expires_at,
        top_up=top_up,
    )


def _decision_key(reference: str) -> str:
    return f"test_provider:decision:{reference}"


@router.get("/assets/page.css")
async def stylesheet() -> Response:
    return Response(_STYLESHEET, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/{reference}", response_class=HTMLResponse)
async def payment_page(reference: Reference, session: SessionDep) -> HTMLResponse:
    payment = await _payment(session, reference)
    html = _TEMPLATES.get_template("test_provider.html").render(
        shop=settings.project_name,
        page_path=PAGE_PATH,
        reference=reference,
        payment=payment,
        state=payment.state,
    )
    return HTMLResponse(html, headers=_page_headers())


@router.post("/{reference}")
async def decide(
    reference: Reference,
    decision: Annotated[Literal["approve", "decline"], Form()],
    request: Request,
    session: SessionDep,
    background: BackgroundTasks,
) -> RedirectResponse:
    """Approve: the signed webhook goes out once this answer has been sent. Decline: the
    top-up is declined; an order's attempt gets the signed `failed` notification. A second
    click (or a payment no longer payable) just goes back."""
    payment = await _payment(session, reference)
    ttl = max(60, int((payment.expires_at - datetime.now(UTC)).total_seconds()) + 3600)
    # The first decision is the provider's answer; SET NX makes a double click harmless.
    payable = payment.state == "payable"
    if payable and await redis.set(_decision_key(reference), decision, nx=True, ex=ttl):
        if payment.attempt is not None:
            outcome = "succeeded" if decision == "approve" else "failed"
            background.add_task(
                deliver_webhook, request.app, order_payment(payment.attempt, outcome)
            )
        elif payment.top_up is not None and decision == "approve":
            background.add_task(deliver_webhook, request.app, top_up_payment(payment.top_up))
        elif payment.top_up is not None:
            await service.decline_top_up(session, payment.top_up.id)
    return RedirectResponse(payment.return_url, status_code=303, headers=_page_headers())


# --- the webhook it sends ------------------------------------------------------------------------


def top_up_payment(top_up: TopUp) -> dict[str, Any]:
    """What the provider reports for an approved top-up; its transaction id is fixed per
    top-up, so a repeated delivery credits once."""
    return {
        "transaction_id": f"test:{top_up.provider_reference}",
        "account_id": top_up.account_id,
        "user_id": top_up.account.user_id,
        "amount": top_up.amount,
        "top_up_id": top_up.id,
    }


def order_payment(attempt: CardPayment, status: str) -> dict[str, Any]:
    """What the provider reports for an order's attempt: its transaction id is fixed per
    attempt, so a repeated delivery pays once."""
    return {
        "transaction_id": f"test:{attempt.provider_reference}",
        "order_id": attempt.order_id,
        "reference": attempt.provider_reference,
        "amount": str(attempt.amount),
        "currency": attempt.currency,
        "status": status,
    }


def _signed(payment: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    secret = settings.webhook_secret.get_secret_value()
    if "order_id" in payment:
        return signed(payment, secret)
    return build_request(
        payment["user_id"],
        payment["account_id"],
        payment["amount"],
        payment["transaction_id"],
        secret,
        payment["top_up_id"],
    )


async def deliver_webhook(app: FastAPI, payment: dict[str, Any]) -> int | None:
    """POST the signed webhook to the shop's endpoint through the app itself, retrying with
    backoff while it fails; the status code of the last answer."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 0))
    status = None
    about = {"top_up_id": payment.get("top_up_id"), "order_id": payment.get("order_id")}
    async with httpx.AsyncClient(transport=transport, base_url="http://test-provider") as client:
        for attempt in range(DELIVERY_ATTEMPTS):
            body, headers = _signed(payment)
            try:
                response = await client.post(WEBHOOK_PATH, content=body, headers=headers)
                status = response.status_code
            except Exception:  # the shop is down or broken: try again, like a provider would
                log.exception("test_provider_webhook_failed", **about)
                status = None
            if status is not None and status < 500:
                if status != 200:
                    log.warning(
                        "test_provider_webhook_refused",
                        **about,
                        status=status,
                        body=response.text[:300],
                    )
                return status
            await asyncio.sleep(0.5 * 2**attempt)
    log.error("test_provider_webhook_gave_up", **about)
    return status
