"""The auth domain's errors."""

from app.core.errors import AppError, Conflict, Forbidden, Unauthorized


class InvalidCredentials(Unauthorized):
    code, title = "invalid_credentials", "Wrong login or password"


class InvalidToken(Unauthorized):
    code, title = "invalid_token", "Invalid or expired token"


class RefreshTokenReused(Unauthorized):
    code, title = "refresh_token_reused", "Refresh token already used; the session has ended"


class EmailNotVerified(Forbidden):
    code, title = "email_not_verified", "E-mail address not verified"


class AccountDisabled(Forbidden):
    code, title = "account_disabled", "Account disabled"


class CsrfFailed(Forbidden):
    code, title = "csrf_failed", "CSRF check failed"


class InsufficientRole(Forbidden):
    code, title = "insufficient_role", "Not allowed for your role"


class BadOneTimeToken(AppError):
    status, code, title = 400, "invalid_token", "Invalid, used or expired link"


class ResetRefused(Conflict):
    code, title = "reset_refused", "No reset link for this account"
