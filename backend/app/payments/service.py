"""Money rules: a balance changes only together with its ledger entry, in one transaction."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.listing import ListParams, Page
from app.models import Account, Order, TransactionKind, User
from app.payments import repository
from app.payments.errors import (
    AccountNotFound,
    AccountOwnerMismatch,
    BalanceLimit,
    InsufficientFunds,
    TransactionConflict,
    UnknownUser,
)
from app.payments.schemas import WebhookPayload, WebhookResult


async def list_accounts(session: AsyncSession, user: User) -> list[Account]:
    return await repository.accounts_of(session, user.id)


async def account_transactions(
    session: AsyncSession, user: User, account_id: int, params: ListParams
) -> Page:
    if await repository.own_account(session, account_id, user.id) is None:
        raise AccountNotFound
    return await repository.transactions(session, account_id, params)


async def pay_order(session: AsyncSession, order: Order, account_id: int, user_id: int) -> None:
    """Debit the order's total from the user's account (conditional update: never below 0)."""
    amount = order.total
    if await repository.debit(session, account_id, user_id, amount) is None:
        account = await repository.own_account(session, account_id, user_id)
        if account is None:
            raise AccountNotFound
        raise InsufficientFunds(
            f"The balance {account.balance} does not cover {amount}.",
            balance=str(account.balance),
            required=str(amount),
        )
    if amount > 0:  # a free order moves no money
        await repository.record(
            session, account_id, -amount, TransactionKind.payment, order_id=order.id
        )


async def refund_order(session: AsyncSession, order: Order) -> Decimal | None:
    """Return a paid order's payment to the account it came from; the amount, if any."""
    payment = await repository.order_payment(session, order.id)
    if payment is None:
        return None
    amount = -payment.amount
    if not await repository.add_to_balance(session, payment.account_id, amount):
        raise BalanceLimit(f"Refunding {amount} would pass the account's largest balance.")
    await repository.record(
        session, payment.account_id, amount, TransactionKind.refund, order_id=order.id
    )
    return amount


async def credit_from_webhook(session: AsyncSession, payload: WebhookPayload) -> WebhookResult:
    """Credit once per provider transaction id; the account is created when missing."""
    if await session.get(User, payload.user_id) is None:
        raise UnknownUser(f"No user {payload.user_id}.")
    account = await repository.ensure_account(session, payload.account_id, payload.user_id)
    if account.user_id != payload.user_id:
        raise AccountOwnerMismatch(f"Account {account.id} does not belong to this user.")
    inserted = await repository.record(
        session,
        account.id,
        payload.amount,
        TransactionKind.credit,
        external_id=payload.transaction_id,
    )
    if inserted is None:
        earlier = await repository.by_external_id(session, payload.transaction_id)
        if earlier is None or (earlier.account_id, earlier.amount) != (
            account.id,
            payload.amount,
        ):
            raise TransactionConflict(
                f"Transaction {payload.transaction_id} was credited with another account or amount."
            )
        status = "duplicate"
    else:
        if not await repository.add_to_balance(session, account.id, payload.amount):
            raise BalanceLimit(f"Crediting {payload.amount} would pass the largest balance.")
        status = "credited"
    return WebhookResult(
        transaction_id=payload.transaction_id, account_id=account.id, status=status
    )
