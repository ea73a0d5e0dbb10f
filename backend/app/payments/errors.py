from app.core.errors import AppError, Conflict, NotFound, Unauthorized


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
