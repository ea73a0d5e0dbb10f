"""Balance changes as conditional updates, the ledger, the accounts list."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.listing import Filter, ListParams, ListSpec, Page, paginate
from app.models import Account, Transaction, TransactionKind
from app.models.catalog import MONEY_MAX

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


async def transactions(session: AsyncSession, account_id: int, params: ListParams) -> Page:
    query = select(Transaction).where(Transaction.account_id == account_id)
    return await paginate(session, query, TRANSACTION_LIST, params)


async def debit(
    session: AsyncSession, account_id: int, user_id: int, amount: Decimal
) -> Decimal | None:
    """Take `amount` from the user's account if the balance covers it; the new balance or None."""
    return await session.scalar(
        update(Account)
        .where(Account.id == account_id, Account.user_id == user_id, Account.balance >= amount)
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
    statement = (
        insert(Transaction)
        .values(
            account_id=account_id,
            amount=amount,
            kind=kind,
            order_id=order_id,
            external_id=external_id,
        )
        .returning(Transaction.id)
    )
    if external_id is not None:
        statement = statement.on_conflict_do_nothing(index_elements=[Transaction.external_id])
    return await session.scalar(statement)


async def ensure_account(session: AsyncSession, account_id: int, user_id: int) -> Account:
    """The account with this id, created for `user_id` when missing, locked for the update."""
    await session.execute(
        insert(Account)
        .values(id=account_id, user_id=user_id)
        .on_conflict_do_nothing(index_elements=[Account.id])
    )
    return (
        await session.scalars(
            select(Account)
            .where(Account.id == account_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()


async def order_payment(session: AsyncSession, order_id: int) -> Transaction | None:
    return await session.scalar(
        select(Transaction).where(
            Transaction.order_id == order_id, Transaction.kind == TransactionKind.payment
        )
    )


async def by_external_id(session: AsyncSession, external_id: str) -> Transaction | None:
    return await session.scalar(select(Transaction).where(Transaction.external_id == external_id))
