"""Balance changes as conditional updates, the ledger, the accounts list."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.core.db import affected_rows
from app.core.listing import Filter, ListParams, ListSpec, Page, paginate
from app.core.money import MONEY_MAX
from app.models import (
    Account,
    CardPayment,
    CardPaymentStatus,
    OrderRefund,
    TopUp,
    TopUpStatus,
    Transaction,
    TransactionKind,
)

TRANSACTION_LIST = ListSpec(
    filters={
        "kind": Filter(Transaction.kind),
        "order_id": Filter(Transaction.order_id, int),
        "amount": Filter(Transaction.amount, Decimal),
        "created_at": Filter(Transaction.created_at, datetime, ("gte", "lte")),
    },
    sorts={"created_at": Transaction.created_at, "amount": Transaction.amount},
    default_sort=[Transaction.created_at.desc()],
    tiebreak=Transaction.id.desc(),
)


async def accounts_of(session: AsyncSession, user_id: int) -> list[Account]:
    query = select(Account).where(Account.user_id == user_id).order_by(Account.id)
    return list(await session.scalars(query))


async def own_account(session: AsyncSession, account_id: int, user_id: int) -> Account | None:
    return await session.scalar(
        select(Account).where(Account.id == account_id, Account.user_id == user_id)
    )


async def transactions(session: AsyncSession, account_id: int, params: ListParams) -> Page[Any]:
    query = select(Transaction).where(Transaction.account_id == account_id)
    return await paginate(session, query, TRANSACTION_LIST, params)


async def debit(
    session: AsyncSession, account_id: int, user_id: int, amount: Decimal, currency: str
) -> Decimal | None:
    """Take `amount` from the user's account in `currency` if the balance covers it; the new
    balance or None."""
    return await session.scalar(
        update(Account)
        .where(
            Account.id == account_id,
            Account.user_id == user_id,
            Account.currency == currency,
            Account.balance >= amount,
        )
        .values(balance=Account.balance - amount, updated_at=func.now())
        .returning(Account.balance)
    )


async def add_to_balance(session: AsyncSession, account_id: int, amount: Decimal) -> bool:
    """Add `amount`, unless the balance would pass the largest amount NUMERIC(12,2) holds."""
    result = await session.execute(
        update(Account)
        .where(Account.id == account_id, Account.balance + amount <= MONEY_MAX)
        .values(balance=Account.balance + amount, updated_at=func.now())
        .returning(Account.id)
    )
    return result.scalar_one_or_none() is not None


async def record(
    session: AsyncSession,
    account_id: int,
    amount: Decimal,
    kind: TransactionKind,
    *,
    order_id: int | None = None,
    external_id: str | None = None,
) -> int | None:
    """Append to the ledger; None when the provider's transaction id is already there."""
    statement = insert(Transaction).values(
        account_id=account_id,
        amount=amount,
        kind=kind,
        order_id=order_id,
        external_id=external_id,
    )
    if external_id is not None:
        statement = statement.on_conflict_do_nothing(index_elements=[Transaction.external_id])
    return await session.scalar(statement.returning(Transaction.id))


async def open_account(session: AsyncSession, user_id: int, currency: str) -> None:
    """The user's account in `currency`, unless they have one."""
    await session.execute(
        insert(Account)
        .values(user_id=user_id, currency=currency)
        .on_conflict_do_nothing(index_elements=[Account.user_id, Account.currency])
    )


async def account_for_update(
    session: AsyncSession, account_id: int, user_id: int | None = None
) -> Account | None:
    """The account locked for a balance change; with `user_id`, only if it is theirs."""
    query = select(Account).where(Account.id == account_id)
    if user_id is not None:
        query = query.where(Account.user_id == user_id)
    return await session.scalar(query.with_for_update().execution_options(populate_existing=True))


async def accounts_of_for_update(session: AsyncSession, user_id: int) -> list[Account]:
    query = (
        select(Account)
        .where(Account.user_id == user_id)
        .order_by(Account.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(query))


async def order_payment(session: AsyncSession, order_id: int) -> Transaction | None:
    return await session.scalar(
        select(Transaction).where(
            Transaction.order_id == order_id, Transaction.kind == TransactionKind.payment
        )
    )


async def refunded_to_accounts(session: AsyncSession, order_id: int) -> Decimal:
    """What the ledger gave back of an order so far (its refund entries)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Transaction.amount), 0)).where(
            Transaction.order_id == order_id, Transaction.kind == TransactionKind.refund
        )
    )
    return Decimal(total or 0)


async def by_external_id(session: AsyncSession, external_id: str) -> Transaction | None:
    return await session.scalar(select(Transaction).where(Transaction.external_id == external_id))


# --- top-ups ----------------------------------------------------------------------------------


async def pending_top_ups(session: AsyncSession, account_id: int, now: datetime) -> int:
    counted = await session.scalars(
        select(func.count())
        .select_from(TopUp)
        .where(
            TopUp.account_id == account_id,
            TopUp.status == TopUpStatus.pending,
            TopUp.expires_at > now,
        )
    )
    return counted.one()


async def own_top_up(
    session: AsyncSession, top_up_id: int, account_id: int, user_id: int
) -> TopUp | None:
    return await session.scalar(
        select(TopUp)
        .join(Account, Account.id == TopUp.account_id)
        .where(TopUp.id == top_up_id, TopUp.account_id == account_id, Account.user_id == user_id)
    )


async def top_up_for_update(session: AsyncSession, top_up_id: int) -> TopUp | None:
    return await session.scalar(
        select(TopUp)
        .where(TopUp.id == top_up_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def top_up_by_reference(session: AsyncSession, provider: str, reference: str) -> TopUp | None:
    """A top-up as its provider names it, with its account (for the owner's id)."""
    return await session.scalar(
        select(TopUp)
        .where(TopUp.provider == provider, TopUp.provider_reference == reference)
        .options(joinedload(TopUp.account))
    )


async def finish_pending(
    session: AsyncSession,
    status: TopUpStatus,
    now: datetime,
    *,
    top_up_id: int | None = None,
    user_id: int | None = None,
    expired_before: datetime | None = None,
) -> int:
    """Move pending top-ups (one, a user's, or those past their time) to `status`; how many."""
    statement = update(TopUp).where(TopUp.status == TopUpStatus.pending)
    if top_up_id is not None:
        statement = statement.where(TopUp.id == top_up_id)
    if user_id is not None:
        owned = select(Account.id).where(Account.user_id == user_id)
        statement = statement.where(TopUp.account_id.in_(owned))
    if expired_before is not None:
        statement = statement.where(TopUp.expires_at <= expired_before)
    result = await session.execute(
        statement.values(status=status, completed_at=now, updated_at=now).execution_options(
            synchronize_session=False
        )
    )
    return affected_rows(result)


# --- card payments of orders -----------------------------------------------------------------


async def refunded_by_card(session: AsyncSession, card_payment_id: int) -> Decimal:
    """What line refunds gave back of a card payment so far."""
    total = await session.scalar(
        select(func.coalesce(func.sum(OrderRefund.amount), 0)).where(
            OrderRefund.card_payment_id == card_payment_id
        )
    )
    return Decimal(total or 0)


async def order_card_attempts(session: AsyncSession, order_id: int) -> list[CardPayment]:
    """Every card attempt of an order, oldest first."""
    query = select(CardPayment).where(CardPayment.order_id == order_id).order_by(CardPayment.id)
    return list(await session.scalars(query))


async def order_card_payment(session: AsyncSession, order_id: int) -> CardPayment | None:
    """The order's succeeded card attempt (a partial unique index keeps it to one)."""
    return await session.scalar(
        select(CardPayment).where(
            CardPayment.order_id == order_id, CardPayment.status == CardPaymentStatus.succeeded
        )
    )


async def card_attempt(
    session: AsyncSession, order_id: int, provider: str, reference: str | None, payment_id: str
) -> CardPayment | None:
    """The attempt an event is about: the one that took this payment already, else the one
    whose checkout the event names, else (an event naming no checkout) the order's latest."""
    attempts = list(
        await session.scalars(
            select(CardPayment)
            .where(CardPayment.order_id == order_id, CardPayment.provider == provider)
            .order_by(CardPayment.id.desc())
            .execution_options(populate_existing=True)
        )
    )
    for attempt in attempts:
        if attempt.payment_id == payment_id:
            return attempt
    if reference is not None:
        return next((a for a in attempts if a.provider_reference == reference), None)
    return attempts[0] if attempts else None


async def card_payment_by_reference(
    session: AsyncSession, provider: str, reference: str
) -> CardPayment | None:
    """With its order (the test provider's page shows what is paid for)."""
    return await session.scalar(
        select(CardPayment)
        .where(CardPayment.provider == provider, CardPayment.provider_reference == reference)
        .options(joinedload(CardPayment.order))
    )


async def end_pending_card_payments(session: AsyncSession, order_id: int, now: datetime) -> int:
    """The order's pending attempts become canceled (its hold ended, or it was cancelled)."""
    result = await session.execute(
        update(CardPayment)
        .where(CardPayment.order_id == order_id, CardPayment.status == CardPaymentStatus.pending)
        .values(status=CardPaymentStatus.canceled, completed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return affected_rows(result)
