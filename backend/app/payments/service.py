"""Money rules: a balance changes only together with its ledger entry, in one transaction;
top-ups are credited only by the payment provider's signed webhook."""

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.listing import ListParams, Page
from app.core.metrics import PAYMENTS, TOP_UP_AMOUNT, TOP_UPS, count_after_commit
from app.core.money import MONEY_MAX
from app.models import (
    Account,
    CardPayment,
    CardPaymentStatus,
    Order,
    TopUp,
    TopUpStatus,
    Transaction,
    TransactionKind,
    User,
)
from app.payments import providers, repository
from app.payments.errors import (
    AccountNotFound,
    AccountOwnerMismatch,
    BalanceLimit,
    BalanceNotZero,
    CardPaymentMismatch,
    CardPaymentsDisabled,
    CurrencyMismatch,
    InsufficientFunds,
    PaymentProviderUnavailable,
    TooManyPendingTopUps,
    TopUpClosed,
    TopUpMismatch,
    TopUpNotFound,
    TopUpsDisabled,
    TransactionConflict,
    UnknownAccount,
    UnknownCardPayment,
    UnknownTopUp,
    UnknownUser,
)
from app.payments.providers import ProviderEvent
from app.payments.schemas import (
    RETURN_URL_PLACEHOLDER,
    NotificationResult,
    TopUpCreate,
    WebhookPayload,
    WebhookResult,
)

__all__ = ["ProviderEvent"]  # what a provider's notification says, for the orders' settling


async def open_account(session: AsyncSession, user: User) -> None:
    """Every user has a money account in the shop's currency from their first day."""
    await repository.open_account(session, user.id, settings.currency)


async def list_accounts(session: AsyncSession, user: User) -> list[Account]:
    return await repository.accounts_of(session, user.id)


async def account_transactions(
    session: AsyncSession, user: User, account_id: int, params: ListParams
) -> Page[Any]:
    if await repository.own_account(session, account_id, user.id) is None:
        raise AccountNotFound
    return await repository.transactions(session, account_id, params)


async def pay_order(session: AsyncSession, order: Order, account_id: int, user_id: int) -> None:
    """Debit the order's total from the user's account (conditional update: never below 0)."""
    amount = order.total
    if await repository.debit(session, account_id, user_id, amount, order.currency) is None:
        account = await repository.own_account(session, account_id, user_id)
        if account is None:
            raise AccountNotFound
        if account.currency != order.currency:
            raise CurrencyMismatch(
                f"The account holds {account.currency}; the order is in {order.currency}."
            )
        raise InsufficientFunds(
            f"The balance {account.balance} does not cover {amount}.",
            balance=str(account.balance),
            required=str(amount),
        )
    if amount > 0:  # a free order moves no money
        await repository.record(
            session, account_id, -amount, TransactionKind.payment, order_id=order.id
        )


async def order_payment(session: AsyncSession, order_id: int) -> Transaction | None:
    """The ledger entry that paid the order (a negative amount), if it was paid."""
    return await repository.order_payment(session, order_id)


async def order_card_attempts(session: AsyncSession, order_id: int) -> list[CardPayment]:
    """The order's card attempts, oldest first (staff read them with the provider's ids)."""
    return await repository.order_card_attempts(session, order_id)


async def order_card_payment(session: AsyncSession, order_id: int) -> CardPayment | None:
    """The card attempt that paid the order (status 'succeeded'; partial refunds leave it so),
    or None: not paid by card, or refunded in full by a cancel (status 'refunded')."""
    return await repository.order_card_payment(session, order_id)


async def refund_order(session: AsyncSession, order: Order) -> tuple[Decimal, int] | None:
    """Return what is left of a paid order's payment (its total less the lines refunded
    already) to the account it came from, as one ledger entry: (amount, the entry's id); None
    when it was not paid from a balance or nothing is left. The caller holds the order's
    lock and records the entry as the order's one whole-order refund (order_refund: unique
    per order), so cancelling twice refunds once."""
    payment = await repository.order_payment(session, order.id)
    if payment is None:
        return None
    amount = -payment.amount - await repository.refunded_to_accounts(session, order.id)
    if amount <= 0:
        return None
    entry = await _refund_to(session, payment, order.id, amount)
    return amount, entry


async def refund_to_account(session: AsyncSession, order_id: int, amount: Decimal) -> int | None:
    """Give `amount` of an order paid from a balance back to the account that paid, as one
    ledger refund entry; the entry's id (None when the order was not paid from a balance, or
    `amount` is zero: no money moves). The caller holds the order's lock and checks that no
    more goes back than was paid."""
    payment = await repository.order_payment(session, order_id)
    if payment is None or amount <= 0:
        return None
    return await _refund_to(session, payment, order_id, amount)


async def paid_from_balance(session: AsyncSession, order_id: int) -> bool:
    return await repository.order_payment(session, order_id) is not None


async def _refund_to(
    session: AsyncSession, payment: Transaction, order_id: int, amount: Decimal
) -> int:
    if not await repository.add_to_balance(session, payment.account_id, amount):
        raise BalanceLimit(f"Refunding {amount} would pass the account's largest balance.")
    entry = await repository.record(
        session, payment.account_id, amount, TransactionKind.refund, order_id=order_id
    )
    assert entry is not None  # only a credit's external id can conflict
    return entry


async def ensure_no_money(session: AsyncSession, user_id: int) -> None:
    """Before a user leaves: every account of theirs is at zero (they stay locked until the
    commit, so no payment or credit slips in between), and unfinished top-ups expire."""
    # Top-ups before accounts, the order the webhook locks them in; once more after, for
    # one created just before the accounts were locked (none can be created after).
    now = datetime.now(UTC)
    await repository.finish_pending(session, TopUpStatus.expired, now, user_id=user_id)
    accounts = await repository.accounts_of_for_update(session, user_id)
    await repository.finish_pending(session, TopUpStatus.expired, now, user_id=user_id)
    held = [a for a in accounts if a.balance]
    if held:
        total = ", ".join(f"{a.balance} {a.currency}" for a in held)
        raise BalanceNotZero(
            f"The balance is {total}: spend it or ask the shop to pay it out first.",
            balance=str(held[0].balance),
            currency=held[0].currency,
        )


# --- the webhook ------------------------------------------------------------------------------


async def credit_from_webhook(session: AsyncSession, payload: WebhookPayload) -> WebhookResult:
    """Credit once per provider transaction id; with `top_up_id`, that top-up (which must
    match) succeeds. A top-up that expired unpaid is still credited: the provider has the
    money, so the ledger must show it."""
    if await session.get(User, payload.user_id) is None:
        raise UnknownUser(f"No user {payload.user_id}.")
    top_up = None
    if payload.top_up_id is not None:
        # The top-up before the account: the order every path locks them in.
        top_up = await repository.top_up_for_update(session, payload.top_up_id)
        if top_up is None:
            raise UnknownTopUp(f"No top-up {payload.top_up_id}.")
        if (top_up.account_id, top_up.amount) != (payload.account_id, payload.amount):
            raise TopUpMismatch(
                f"Top-up {top_up.id} is {top_up.amount} to account {top_up.account_id}."
            )
    account = await repository.account_for_update(session, payload.account_id)
    if account is None:
        raise UnknownAccount(f"No account {payload.account_id}.")
    if account.user_id != payload.user_id:
        raise AccountOwnerMismatch(f"Account {account.id} does not belong to this user.")
    earlier = await repository.by_external_id(session, payload.transaction_id)
    if earlier is not None:
        same = (earlier.account_id, earlier.amount) == (account.id, payload.amount)
        if not same or (top_up is not None and top_up.transaction_id != earlier.id):
            raise TransactionConflict(
                f"Transaction {payload.transaction_id} was credited with other data."
            )
        return _result(payload, account, "duplicate")
    if top_up is not None and top_up.status in (TopUpStatus.declined, TopUpStatus.succeeded):
        raise TopUpClosed(f"Top-up {top_up.id} is {top_up.status}: nothing was credited.")
    inserted = await repository.record(
        session,
        account.id,
        payload.amount,
        TransactionKind.credit,
        external_id=payload.transaction_id,
    )
    if inserted is None:  # the same transaction id committed meanwhile by a concurrent call
        earlier = await repository.by_external_id(session, payload.transaction_id)
        if earlier is None or (earlier.account_id, earlier.amount) != (
            account.id,
            payload.amount,
        ):
            raise TransactionConflict(
                f"Transaction {payload.transaction_id} was credited with other data."
            )
        return _result(payload, account, "duplicate")
    if not await repository.add_to_balance(session, account.id, payload.amount):
        raise BalanceLimit(f"Crediting {payload.amount} would pass the largest balance.")
    if top_up is not None:
        top_up.status = TopUpStatus.succeeded
        top_up.transaction_id = inserted
        top_up.completed_at = datetime.now(UTC)
        await session.flush()
        count_after_commit(session, TOP_UPS.labels("credited"))
    count_after_commit(session, TOP_UP_AMOUNT.labels(account.currency), float(payload.amount))
    return _result(payload, account, "credited")


async def settle_from_notification(
    session: AsyncSession, provider: str, event: providers.ProviderEvent | None
) -> NotificationResult:
    """Act on what a provider's checked notification says about a top-up's payment: a success
    credits it once (by the provider's payment id, through `credit_from_webhook`: amount and
    currency must be the top-up's), a final cancel declines it, anything else changes
    nothing. Order payments come through here too once orders are paid by card."""
    if event is None or event.top_up_id is None:
        return NotificationResult(status="ignored")
    top_up = await repository.top_up_for_update(session, event.top_up_id)
    if top_up is None or top_up.provider != provider:
        raise UnknownTopUp(f"No top-up {event.top_up_id} paid through {provider}.")
    if event.status == "canceled":
        declined = await decline_top_up(session, top_up.id)
        return NotificationResult(status="declined" if declined else "ignored", top_up_id=top_up.id)
    if event.status != "succeeded":
        return NotificationResult(status="ignored", top_up_id=top_up.id)
    if event.currency.upper() != top_up.currency:
        raise TopUpMismatch(
            f"Top-up {top_up.id} is in {top_up.currency}; the payment in {event.currency}."
        )
    account = await session.get(Account, top_up.account_id)
    if account is None or account.user_id is None:  # its owner has left the shop
        raise UnknownAccount(f"Top-up {top_up.id}'s account has no owner any more.")
    payload = WebhookPayload(
        transaction_id=f"{provider}:{event.payment_id}",
        account_id=top_up.account_id,
        user_id=account.user_id,
        amount=event.amount,
        top_up_id=top_up.id,
    )
    result = await credit_from_webhook(session, payload)
    return NotificationResult(status=result.status, top_up_id=top_up.id)


async def refund_payment(
    provider_name: str, payment_id: str, amount: Decimal, currency: str, idempotency_key: str
) -> providers.ProviderRefund:
    """Give money back through the provider that took it (the configured one); the same
    key refunds once."""
    provider = providers.get_provider()
    if provider is None or provider.name != provider_name:
        raise PaymentProviderUnavailable(f"Payments through {provider_name} are not configured.")
    return await provider.refund(payment_id, amount, currency, idempotency_key)


def _result(
    payload: WebhookPayload, account: Account, status: Literal["credited", "duplicate"]
) -> WebhookResult:
    return WebhookResult(
        transaction_id=payload.transaction_id,
        account_id=account.id,
        status=status,
        top_up_id=payload.top_up_id,
    )


# --- top-ups --------------------------------------------------------------------------------


async def create_top_up(
    session: AsyncSession, user: User, account_id: int, data: TopUpCreate
) -> TopUp:
    """A pending top-up, opened at the provider; the customer goes to its `redirect_url`."""
    provider = providers.get_provider()
    if provider is None:
        raise TopUpsDisabled("This shop takes no payments for adding funds.")
    # Locked: two requests at once cannot pass the pending limit together.
    account = await repository.account_for_update(session, account_id, user.id)
    if account is None:
        raise AccountNotFound
    now = datetime.now(UTC)
    limit = settings.top_up_max_pending
    if await repository.pending_top_ups(session, account.id, now) >= limit:
        raise TooManyPendingTopUps(
            f"An account has at most {limit} unfinished top-ups; finish or wait for one.",
            limit=limit,
        )
    if account.balance + data.amount > MONEY_MAX:
        raise BalanceLimit(f"Adding {data.amount} would pass the largest balance.")
    top_up = TopUp(
        account_id=account.id,
        amount=data.amount,
        currency=account.currency,
        status=TopUpStatus.pending,
        provider=provider.name,
        return_url="",
        expires_at=now + timedelta(minutes=settings.top_up_ttl_minutes),
    )
    session.add(top_up)
    await session.flush()
    template = data.return_url or (
        settings.frontend_url.rstrip("/") + "/account/top-ups/" + RETURN_URL_PLACEHOLDER
    )
    top_up.return_url = template.replace(RETURN_URL_PLACEHOLDER, str(top_up.id))
    checkout = await provider.create_payment(
        providers.PaymentRequest(
            top_up_id=top_up.id,
            account_id=account.id,
            user_id=user.id,
            amount=top_up.amount,
            currency=top_up.currency,
            return_url=top_up.return_url,
            expires_at=top_up.expires_at,
            description=f"{settings.project_name}: adding funds (top-up {top_up.id})",
            # Unique per attempt (ids repeat after a database reset; the provider remembers).
            idempotency_key=f"top-up-{top_up.id}-{secrets.token_hex(8)}",
        )
    )
    top_up.provider_reference = checkout.reference
    top_up.redirect_url = checkout.redirect_url
    await session.flush()
    count_after_commit(session, TOP_UPS.labels("created"))
    return top_up


async def get_top_up(session: AsyncSession, user: User, account_id: int, top_up_id: int) -> TopUp:
    top_up = await repository.own_top_up(session, top_up_id, account_id, user.id)
    if top_up is None:
        raise TopUpNotFound
    return top_up


async def provider_top_up(session: AsyncSession, provider: str, reference: str) -> TopUp:
    """A top-up as its provider names it (with its account), for the provider's own pages."""
    top_up = await repository.top_up_by_reference(session, provider, reference)
    if top_up is None:
        raise TopUpNotFound
    return top_up


async def decline_top_up(session: AsyncSession, top_up_id: int) -> bool:
    """The provider declined it: nothing is credited. False when it was no longer pending."""
    now = datetime.now(UTC)
    declined = await repository.finish_pending(
        session, TopUpStatus.declined, now, top_up_id=top_up_id
    )
    count_after_commit(session, TOP_UPS.labels("declined"), declined)
    return declined > 0


async def expire_top_ups(session: AsyncSession, now: datetime | None = None) -> int:
    """Top-ups not paid in time expire (nothing was credited for them)."""
    now = now or datetime.now(UTC)
    expired = await repository.finish_pending(session, TopUpStatus.expired, now, expired_before=now)
    count_after_commit(session, TOP_UPS.labels("expired"), expired)
    return expired


# --- card payments of orders ---------------------------------------------------------------


def card_payments_enabled() -> bool:
    """Whether a provider is configured to take card payments (PAYMENT_PROVIDER)."""
    return providers.get_provider() is not None


async def open_card_payment(
    session: AsyncSession, order: Order, user_id: int | None
) -> CardPayment:
    """A new attempt to pay `order` at the provider (inside the caller's transaction: when
    the provider cannot be reached, 503 and the transaction keeps nothing); the customer goes
    to its `redirect_url` and comes back to the order's page."""
    provider = providers.get_provider()
    if provider is None:
        raise CardPaymentsDisabled("This shop takes no card payments; pay at pickup instead.")
    if order.hold_expires_at is None:
        raise ValueError(f"order {order.id} holds no stock for a card payment")
    return_url = f"{settings.frontend_url.rstrip('/')}/orders/{order.id}?payment=return"
    attempt = CardPayment(
        order_id=order.id,
        provider=provider.name,
        amount=order.total,
        currency=order.currency,
        status=CardPaymentStatus.pending,
        return_url=return_url,
    )
    session.add(attempt)
    await session.flush()
    checkout = await provider.create_payment(
        providers.PaymentRequest(
            order_id=order.id,
            user_id=user_id,
            amount=order.total,
            currency=order.currency,
            return_url=return_url,
            expires_at=order.hold_expires_at,
            description=f"{settings.project_name}: order {order.number}",
            # Unique per attempt (ids repeat after a database reset; the provider remembers).
            idempotency_key=f"order-{order.id}-payment-{attempt.id}-{secrets.token_hex(8)}",
        )
    )
    attempt.provider_reference = checkout.reference
    attempt.redirect_url = checkout.redirect_url
    await session.flush()
    count_after_commit(session, PAYMENTS.labels(provider.name, "created"))
    return attempt


async def card_attempt_for(
    session: AsyncSession, provider: str, event: providers.ProviderEvent
) -> CardPayment:
    """The order's attempt a provider's event is about (the caller holds the order's lock)."""
    if event.order_id is None:
        raise UnknownCardPayment("The payment names no order.")
    attempt = await repository.card_attempt(
        session, event.order_id, provider, event.reference, event.payment_id
    )
    if attempt is None:
        raise UnknownCardPayment(f"No payment of order {event.order_id} through {provider}.")
    return attempt


def check_card_amount(attempt: CardPayment, event: providers.ProviderEvent) -> None:
    """A success must carry the attempt's amount and currency."""
    if (event.amount, event.currency.upper()) != (attempt.amount, attempt.currency):
        raise CardPaymentMismatch(
            f"Order {attempt.order_id} is {attempt.amount} {attempt.currency}; the payment "
            f"{event.amount} {event.currency}."
        )


def finish_card_payment(
    session: AsyncSession, attempt: CardPayment, status: CardPaymentStatus, payment_id: str | None
) -> None:
    """Write down what became of an attempt (and count it once its transaction commits)."""
    attempt.status = status
    if payment_id is not None:
        attempt.payment_id = payment_id
    attempt.completed_at = datetime.now(UTC)
    count_after_commit(session, PAYMENTS.labels(attempt.provider, status.value))


async def refund_card_payment(
    session: AsyncSession, attempt: CardPayment, payment_id: str
) -> providers.ProviderRefund:
    """Give the attempt's whole amount back through its provider, once per attempt (its
    idempotency key); the attempt is 'refunded'. 503 (nothing written) when the provider
    cannot be reached: the provider's next notification, or the next cancel, tries again."""
    refund = await refund_payment(
        attempt.provider,
        payment_id,
        attempt.amount,
        attempt.currency,
        f"card-refund-{attempt.provider}-{attempt.provider_reference}",
    )
    finish_card_payment(session, attempt, CardPaymentStatus.refunded, payment_id)
    await session.flush()
    return refund


async def refund_card_order(
    session: AsyncSession, order_id: int
) -> tuple[CardPayment, Decimal, providers.ProviderRefund | None] | None:
    """A cancel: what is left of the card payment that paid the order (its amount less the
    lines refunded already) goes back through its provider, once per attempt (its
    idempotency key), and the attempt is 'refunded'. (The attempt, the amount, the
    provider's answer: None when nothing was left); None when not paid by card."""
    attempt = await repository.order_card_payment(session, order_id)
    if attempt is None or attempt.payment_id is None:
        return None
    rest = attempt.amount - await repository.refunded_by_card(session, attempt.id)
    if rest >= attempt.amount:
        return (
            attempt,
            attempt.amount,
            await refund_card_payment(session, attempt, attempt.payment_id),
        )
    answer = None
    if rest > 0:
        answer = await refund_payment(
            attempt.provider,
            attempt.payment_id,
            rest,
            attempt.currency,
            f"card-refund-{attempt.provider}-{attempt.provider_reference}",
        )
    finish_card_payment(session, attempt, CardPaymentStatus.refunded, attempt.payment_id)
    await session.flush()
    return attempt, max(rest, Decimal(0)), answer


async def end_pending_card_payments(session: AsyncSession, order_id: int) -> int:
    """The order's open attempts end (its hold ended or it was cancelled): a payment that
    still comes for one is handled as a late one."""
    return await repository.end_pending_card_payments(session, order_id, datetime.now(UTC))


async def provider_card_payment(
    session: AsyncSession, provider: str, reference: str
) -> CardPayment | None:
    """An order's attempt as its provider names it (for the test provider's page)."""
    return await repository.card_payment_by_reference(session, provider, reference)
