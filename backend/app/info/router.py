import asyncio

import structlog
from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from pydantic import Field

from app.auth.dependencies import client_ip
from app.core import ratelimit, sentry
from app.core.config import settings
from app.core.db import SessionDep
from app.core.errors import AppError, NotFound, TooManyRequests, problem_responses
from app.core.language import LanguageDep
from app.core.redis import redis
from app.core.schemas import Schema
from app.core.types import Money
from app.payments import service as payments_service
from app.stores import service as stores_service
from app.stores.schemas import StoreRead

router = APIRouter(tags=["info"])
log = structlog.get_logger(__name__)


class Contacts(Schema):
    email: str
    phone: str


class ErrorReporting(Schema):
    """Where the storefront reports its errors (Sentry's browser SDK), when SENTRY_DSN is set."""

    dsn: str
    environment: str
    release: str
    tunnel: str


class TopUpLimits(Schema):
    """The smallest and largest amount one top-up of a balance may add."""

    minimum: Money
    maximum: Money


class ShopInfo(Schema):
    name: str
    currency: str
    contacts: Contacts
    delivery_terms: str | None = Field(
        description="How the shop delivers, or null: checkout is pickup only, and nothing is "
        "promised unless the shop sets DELIVERY_TERMS (in Russian: DELIVERY_TERMS_RU)."
    )
    pickup_terms: str = Field(
        description="How pickup works (PICKUP_TERMS; in Russian: PICKUP_TERMS_RU)."
    )
    top_up: TopUpLimits
    card_payments: bool = Field(
        description="Checkout takes cards (`payment_method: card`): a payment provider is set"
    )
    stores: list[StoreRead]
    error_reporting: ErrorReporting | None = None


@router.get("/info", response_model=ShopInfo)
async def shop_info(session: SessionDep, language: LanguageDep) -> ShopInfo:
    """The shop's name, contacts, delivery and pickup terms (in the language of `lang` or
    Accept-Language; the default language's where the shop wrote none in it), and every
    store's address and opening hours."""
    stores = await stores_service.active_stores(session)
    pickup_terms, delivery_terms = settings.terms(language)
    return ShopInfo(
        name=settings.project_name,
        currency=settings.currency,
        contacts=Contacts(email=settings.shop_email, phone=settings.shop_phone),
        delivery_terms=delivery_terms or None,
        pickup_terms=pickup_terms,
        top_up=TopUpLimits(minimum=settings.top_up_min_amount, maximum=settings.top_up_max_amount),
        card_payments=payments_service.card_payments_enabled(),
        stores=[StoreRead.model_validate(store) for store in stores],
        error_reporting=ErrorReporting(
            dsn=settings.sentry_dsn,
            environment=settings.environment,
            release=sentry.release(),
            tunnel=CLIENT_ERRORS_PATH,
        )
        if settings.sentry_dsn
        else None,
    )


CLIENT_ERRORS_PATH = "/api/v1/client-errors"


class ReportingOff(NotFound):
    code, title = "error_reporting_off", "Error reporting is not configured"


class BadEnvelope(AppError):
    status, code, title = 400, "bad_envelope", "Not an error report of this shop"


class EnvelopeTooLarge(AppError):
    status, code, title = 413, "envelope_too_large", "The error report is too large"


@router.post(
    "/client-errors",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    responses={
        202: {"description": "Accepted (passed on to Sentry)"},
        **problem_responses(ReportingOff, BadEnvelope, EnvelopeTooLarge, TooManyRequests),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            # What the browser SDK's tunnel sends (text/plain keeps its fetch CORS-simple).
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def report_client_errors(request: Request) -> Response:
    """The storefront's error reports (a Sentry envelope from the browser SDK's `tunnel`),
    scrubbed like the backend's own events and passed on to SENTRY_DSN. 404 while SENTRY_DSN
    is unset; at most 30 reports a minute per client IP."""
    dsn = settings.sentry_dsn
    if not dsn:
        raise ReportingOff
    await ratelimit.enforce(
        redis, ratelimit.Bucket(f"client_errors:ip:{client_ip(request)}", 30, 60)
    )
    body = await request.body()
    if len(body) > sentry.MAX_ENVELOPE_BYTES:
        raise EnvelopeTooLarge(f"At most {sentry.MAX_ENVELOPE_BYTES} bytes.")
    try:
        envelope = sentry.scrubbed_envelope(body, dsn)
    except sentry.EnvelopeRefused as error:
        raise BadEnvelope(str(error)) from None
    if envelope is None:
        return Response(status_code=status.HTTP_202_ACCEPTED)  # nothing but sessions and such
    try:
        await asyncio.to_thread(sentry.forward_envelope, envelope, dsn)
    except Exception as error:  # Sentry away: the storefront has nothing to do about it
        log.warning("client_errors_not_forwarded", error=type(error).__name__)
    return Response(status_code=status.HTTP_202_ACCEPTED)
