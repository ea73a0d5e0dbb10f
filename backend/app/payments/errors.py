from app.core.errors import AppError, Conflict, NotFound, ServiceUnavailable, Unauthorized


class AccountNotFound(NotFound):
    code, title = "account_not_found", "Account not found"


class InsufficientFunds(Conflict):
    code, title = "insufficient_funds", "Insufficient funds"


class InvalidSignature(Unauthorized):
    code, title = "invalid_signature", "Invalid webhook signature"


class UnknownUser(AppError):
    status, code, title = 422, "unknown_user", "Unknown user"


class AccountOwnerMismatch(Conflict):
    code, title = "account_owner_mismatch", "The account belongs to another user"


class TransactionConflict(Conflict):
    code, title = "transaction_conflict", "The transaction id was used with other data"


class BalanceLimit(Conflict):
    code, title = "balance_limit", "The balance would exceed the largest amount an account holds"


class UnknownAccount(AppError):
    status, code, title = 422, "unknown_account", "Unknown account"


class CurrencyMismatch(Conflict):
    code, title = "currency_mismatch", "The account holds another currency"


class BalanceNotZero(Conflict):
    code, title = "balance_not_zero", "The balance is not zero"


class TopUpNotFound(NotFound):
    code, title = "top_up_not_found", "Top-up not found"


class UnknownTopUp(AppError):
    status, code, title = 422, "unknown_top_up", "Unknown top-up"


class TopUpMismatch(Conflict):
    code, title = "top_up_mismatch", "The payment does not match the top-up"


class TopUpClosed(Conflict):
    code, title = "top_up_closed", "The top-up was declined or credited already"


class TooManyPendingTopUps(Conflict):
    code, title = "too_many_pending_top_ups", "Too many unfinished top-ups"


class TopUpsDisabled(AppError):
    status, code, title = 503, "top_ups_disabled", "Adding funds is not available"


class PaymentProviderUnavailable(ServiceUnavailable):
    code, title = "payment_provider_unavailable", "The payment provider cannot be reached"


class InvalidNotification(AppError):
    status, code, title = 400, "invalid_notification", "The notification is not one we can read"


class CardPaymentsDisabled(AppError):
    status, code, title = 503, "card_payments_disabled", "This shop takes no card payments"


class UnknownCardPayment(AppError):
    status, code, title = 422, "unknown_card_payment", "Unknown card payment"


class CardPaymentMismatch(Conflict):
    code, title = "card_payment_mismatch", "The payment does not match the order"
