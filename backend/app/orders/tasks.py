"""Order mails, sent by the worker after the order's transaction has committed.

Each task takes ids, loads what it needs, and is safe to run twice: a mail that went out is
remembered in Redis and not sent again (acks_late may hand a task to a worker a second time)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.config import settings
from app.core.db import unit_of_work
from app.core.mailtask import mail_task, send_once
from app.core.redis import redis
from app.core.tasks import run_async
from app.mail.sender import line_name, send_templated
from app.models import Order, OrderRefund, OrderStatus, Role, RoleName, User
from app.orders import guests
from app.orders.idempotency import purge_expired
from app.worker import celery_app

SENT_KEY_TTL = 30 * 24 * 3600

STATUS_HEADLINES = {
    "ready": "is ready for pickup",
    "cancelled": "has been cancelled",
    "paid": "is paid",
    "payment_refunded": "could not be kept: your card payment was refunded",
}


async def _load(order_id: int) -> Order | None:
    async with unit_of_work() as session:
        return await session.scalar(
            select(Order)
            .where(Order.id == order_id)
            .options(
                joinedload(Order.store),
                joinedload(Order.user),
                selectinload(Order.items),
            )
        )


def _context(order: Order) -> dict[str, Any]:
    user = order.user
    if user is not None:
        customer = user.full_name or user.username
    elif order.guest_name is not None:
        customer = f"{order.guest_name} (guest)"
    else:
        customer = "a deleted account"
    return {
        "number": order.number,
        "order": order,
        "items": order.items,
        "store": order.store,
        "currency": order.currency,
        "customer": customer,
        "guest": user is None and order.guest_email is not None,
        "order_link": f"{settings.frontend_url.rstrip('/')}/orders/{order.id}",
    }


def _recipient(order: Order) -> tuple[str, str] | None:
    """(address, name) of whoever the order's mails go to: its account, else its guest;
    None once the account is deleted."""
    user = order.user
    if user is not None:
        return (
            None if user.deleted_at is not None else (user.email, user.full_name or user.username)
        )
    if order.user_id is None and order.guest_email is not None:
        return order.guest_email, order.guest_name or ""
    return None


async def _send_once(key: str, to: str, template: str, context: dict[str, Any]) -> bool:
    """Send unless this exact mail went out already (app.core.mailtask.send_once)."""
    return await send_once(
        key, lambda: send_templated(to, template, context), remember=SENT_KEY_TTL
    )


async def _confirmation(order_id: int, key_hash: str | None) -> bool:
    order = await _load(order_id)
    recipient = None if order is None else _recipient(order)
    if order is None or recipient is None:
        return False
    context = {**_context(order), "name": recipient[1]}
    if context["guest"] and key_hash is not None:
        # The guest's link, with the key the checkout left for this mail (app.orders.guests);
        # the plain page if staff renewed the link since (its own mail carries the new one).
        key = await guests.stashed(redis, order.id, key_hash)
        current = order.access_key_hash == key_hash
        context["order_link"] = guests.link(order.id, key if current else None)
    sent = await _send_once(
        f"mail-sent:order:{order.id}:confirmation", recipient[0], "order_confirmation", context
    )
    if key_hash is not None:
        await guests.drop_stash(redis, order.id, key_hash)
    return sent


async def _link_mail(order_id: int, key_hash: str) -> bool:
    """A guest's new link (staff renewed it); nothing when it was renewed again since."""
    order = await _load(order_id)
    recipient = None if order is None else _recipient(order)
    if order is None or recipient is None or order.access_key_hash != key_hash:
        return False
    key = await guests.stashed(redis, order.id, key_hash)
    if key is None:
        return False
    context = {**_context(order), "name": recipient[1], "order_link": guests.link(order.id, key)}
    sent = await _send_once(
        f"mail-sent:order:{order.id}:link:{key_hash[:16]}", recipient[0], "order_link", context
    )
    await guests.drop_stash(redis, order.id, key_hash)
    return sent


async def _admin_notification(order_id: int) -> int:
    order = await _load(order_id)
    if order is None:
        return 0
    async with unit_of_work() as session:
        admins = await session.scalars(
            select(User).join(User.role).where(Role.name == RoleName.admin, User.is_active)
        )
        emails = sorted({admin.email for admin in admins})
    sent = 0
    for email in emails:  # one key per admin: a retry does not mail those already told
        key = f"mail-sent:order:{order.id}:admin:{email.lower()}"
        sent += await _send_once(key, email, "order_admin_notification", _context(order))
    return sent


async def _status_mail(order_id: int, status: str) -> bool:
    order = await _load(order_id)
    if status not in STATUS_HEADLINES:
        return False
    recipient = None if order is None else _recipient(order)
    if order is None or recipient is None:
        return False
    context = {
        **_context(order),
        "name": recipient[1],
        "status": status,
        "headline": STATUS_HEADLINES[status],
        # What the cancel gave back and how (None: nothing had been paid).
        "cancel_refund": (
            await _cancel_refund(order.id) if status == OrderStatus.cancelled else None
        ),
    }
    return await _send_once(
        f"mail-sent:order:{order.id}:status:{status}", recipient[0], "order_status", context
    )


async def _cancel_refund(order_id: int) -> OrderRefund | None:
    """The whole-order refund a cancel made (at most one per order), if money had been paid."""
    async with unit_of_work() as session:
        return await session.scalar(
            select(OrderRefund).where(
                OrderRefund.order_id == order_id, OrderRefund.order_item_id.is_(None)
            )
        )


async def _refund_mail(refund_id: int) -> bool:
    async with unit_of_work() as session:
        refund = await session.scalar(
            select(OrderRefund)
            .where(OrderRefund.id == refund_id)
            .options(joinedload(OrderRefund.item))
        )
    if refund is None:
        return False
    order = await _load(refund.order_id)
    recipient = None if order is None else _recipient(order)
    if order is None or recipient is None:
        return False
    context = {
        **_context(order),
        "name": recipient[1],
        "refund": refund,
        "product_name": (
            line_name(refund.product_name, refund.item.variant_name if refund.item else "")
            if refund.product_name
            else "the order"
        ),
        "modifiers": refund.item.modifiers if refund.item else [],
    }
    return await _send_once(
        f"mail-sent:order:{order.id}:refund:{refund.id}", recipient[0], "order_refund", context
    )


@mail_task
def send_refund_mail(refund_id: int) -> bool:
    """The customer is told what was refunded of their order, how and why."""
    return run_async(_refund_mail(refund_id))


@mail_task
def send_order_confirmation(order_id: int, key_hash: str | None = None) -> bool:
    """`key_hash`: a guest's order, whose link key waits in Redis under that digest."""
    return run_async(_confirmation(order_id, key_hash))


@mail_task
def notify_admins_of_order(order_id: int) -> int:
    return run_async(_admin_notification(order_id))


@mail_task
def send_order_link(order_id: int, key_hash: str) -> bool:
    return run_async(_link_mail(order_id, key_hash))


@mail_task
def send_status_mail(order_id: int, status: str) -> bool:
    return run_async(_status_mail(order_id, status))


@celery_app.task(name="app.orders.tasks.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Forget checkout Idempotency-Keys older than 24 h."""
    return run_async(_purge_keys())


async def _purge_keys() -> int:
    async with unit_of_work() as session:
        return await purge_expired(session)
