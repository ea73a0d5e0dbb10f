from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from app.core.schemas import InputSchema, Schema
from app.core.types import TextLimits
from app.users.schemas import LookupEmail, Password, UserRead

Token = Annotated[str, TextLimits(512, min_length=1, strip=False)]


class LoginRequest(InputSchema):
    login: Annotated[str, TextLimits(254, min_length=1)]
    password: Annotated[str, TextLimits(128, min_length=1, strip=False)]


class TokenForm(InputSchema):
    """The OAuth2 password form (RFC 6749 4.3), for Swagger's Authorize button."""

    grant_type: Literal["password"] | None = None
    username: Annotated[str, TextLimits(254, min_length=1)]
    password: Annotated[str, TextLimits(128, min_length=1, strip=False)]
    scope: Annotated[str, TextLimits(200)] = ""
    client_id: Annotated[str, TextLimits(200)] | None = None
    client_secret: Annotated[str, TextLimits(200, strip=False)] | None = None


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
    email: LookupEmail


class PasswordResetConfirm(InputSchema):
    token: Token
    new_password: Password


class Accepted(Schema):
    detail: str


class OtherSessionsEnded(Schema):
    ended: int = Field(description="How many other sessions were ended")


class SessionRead(Schema):
    id: str
    device: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


class VerifiedEmail(UserRead):
    """The account whose address is now confirmed; `session` is a signed-in session when the
    link was opened in the browser that registered (it also sets the refresh cookie as login
    does), else null and the customer signs in."""

    session: TokenPair | None = None
