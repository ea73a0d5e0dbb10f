from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import InputSchema, Schema
from app.users.schemas import Email, Password

Token = Annotated[str, StringConstraints(min_length=1, max_length=512)]


class LoginRequest(InputSchema):
    login: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


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


class OtherSessionsEnded(Schema):
    ended: int = Field(description="How many other sessions were ended")


class SessionRead(Schema):
    id: str
    device: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    current: bool
