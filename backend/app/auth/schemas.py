from datetime import datetime
from typing import Literal

from app.core.schemas import InputSchema, Schema
from app.core.types import text
from app.users.schemas import Email, Password

Token = text(512, min_length=1, strip=False)


class LoginRequest(InputSchema):
    login: text(254, min_length=1)
    password: text(128, min_length=1, strip=False)


class TokenForm(InputSchema):
    """The OAuth2 password form (RFC 6749 4.3), for Swagger's Authorize button."""

    grant_type: Literal["password"] | None = None
    username: text(254, min_length=1)
    password: text(128, min_length=1, strip=False)
    scope: text(200) = ""
    client_id: text(200) | None = None
    client_secret: text(200, strip=False) | None = None


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int


class RefreshRequest(InputSchema):
    refresh_token: Token | None = None


class TokenBody(InputSchema):
    token: Token


class EmailBody(InputSchema):
    email: Email


class PasswordResetConfirm(InputSchema):
    token: Token
    new_password: Password


class Accepted(Schema):
    detail: str


class SessionRead(Schema):
    id: str
    device: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    current: bool
