"""Card orders as the storefront places them, and the test provider's signed notifications."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.core.config import settings
from app.core.db import SessionFactory
from app.models import CardPayment, Order, OrderStatusChange
from app.payments.webhook import signed

WEBHOOK = "/api/v1/payments/webhook"


def items(*pairs):
    return [{"product_id": p.id, "quantity": q} for p, q in pairs]


async def card_order(client, headers, store_id: int, lines: list[dict]):
    """POST /orders paying by card; the raw response."""
    return await client.post(
        "/api/v1/orders",
        json={"store_id": store_id, "items": lines, "payment_method": "card"},
        headers=headers,
    )


async def attempts(order_id: int) -> list[CardPayment]:
    async with SessionFactory() as session:
        rows = await session.scalars(
            select(CardPayment).where(CardPayment.order_id == order_id).order_by(CardPayment.id)
        )
        return list(rows)


async def history(order_id: int) -> list[tuple[str | None, str]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(OrderStatusChange.from_status, OrderStatusChange.to_status)
            .where(OrderStatusChange.order_id == order_id)
            .order_by(OrderStatusChange.id)
        )
        return [(old, new) for old, new in rows]


async def end_hold(order_id: int) -> None:
    """The hold ended a minute ago (as if PAYMENT_HOLD_MINUTES had passed)."""
    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(Order)
            .where(Order.id == order_id)
            .values(hold_expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )


def notification(attempt: CardPayment, status: str = "succeeded", **changes) -> tuple[bytes, dict]:
    """The test provider's signed notification about an attempt (as its page sends it)."""
    payload = {
        "transaction_id": f"test:{attempt.provider_reference}",
        "order_id": attempt.order_id,
        "reference": attempt.provider_reference,
        "amount": str(attempt.amount),
        "currency": attempt.currency,
        "status": status,
        **changes,
    }
    return signed(payload, settings.webhook_secret.get_secret_value())


async def notify(client, attempt: CardPayment, status: str = "succeeded", **changes):
    body, headers = notification(attempt, status, **changes)
    return await client.post(WEBHOOK, content=body, headers=headers)
