from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import email_validator
from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.core import emails
from app.core.schemas import InputSchema, PatchSchema, Schema, patch_of
from app.core.types import CleanText, Phone, TextLimits
from app.models import RoleName


@lru_cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).resolve().parents[1] / "core" / "common_passwords.txt"
    return frozenset(path.read_text().split())


def _not_common(password: str) -> str:
    if password.lower() in _common_passwords():
        raise ValueError("this password is too common; choose another")
    return password


Password = Annotated[str, TextLimits(128, min_length=8, strip=False), AfterValidator(_not_common)]
Username = Annotated[str, TextLimits(32, min_length=3, pattern=r"^[A-Za-z0-9_.-]+$", strip=True)]
FullName = Annotated[str, TextLimits(120, min_length=1, strip=True)]
Address = Annotated[str, TextLimits(300)]


def _email_rule(rule: Callable[[str], str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            return rule(value)
        except email_validator.EmailNotValidError as exc:
            raise PydanticCustomError(
                "value_error", "value is not a valid email address: {reason}", {"reason": str(exc)}
            ) from None

    return check


_EMAIL_SCHEMA = WithJsonSchema({"type": "string", "format": "email", "maxLength": 254})

# An address the shop takes for an account or a store, and mails to (app.core.emails).
Email = Annotated[
    str,
    StringConstraints(max_length=254),
    CleanText(strip=False),
    AfterValidator(_email_rule(emails.validate)),
    _EMAIL_SCHEMA,
]

# An address looked up (password reset, resend verification): also one at a reserved domain
# (an anonymised account's deleted-N@deleted.invalid), which the lookup finds nobody to mail.
LookupEmail = Annotated[
    str,
    StringConstraints(max_length=254),
    CleanText(strip=False),
    AfterValidator(_email_rule(emails.plausible)),
    _EMAIL_SCHEMA,
]


class UserRegister(InputSchema):
    email: Email
    username: Username
    password: Password
    full_name: FullName


class UserRead(Schema):
    id: int
    email: str
    username: str
    full_name: str
    phone: str
    address: str
    role: RoleName = Field(validation_alias="role_name")
    is_active: bool
    is_verified: bool
    created_at: datetime
    last_login_at: datetime | None = None
    deleted_at: datetime | None = Field(
        None, description="Set when the account was deleted (its personal data is gone)"
    )


class UserProfile(InputSchema):
    username: Username
    full_name: FullName
    phone: Phone
    address: Address


class UserAdminFields(UserProfile):
    is_active: bool
    role: Annotated[RoleName, Field(strict=False)]


@patch_of(UserProfile)
class UserUpdateMe(PatchSchema):
    """Your username and profile; fields left out stay as they are."""


@patch_of(UserAdminFields)
class UserAdminUpdate(PatchSchema):
    """A user's profile, role and `is_active`; fields left out stay as they are."""


class PasswordChange(InputSchema):
    current_password: Annotated[str, TextLimits(128, strip=False)]
    new_password: Password


class UserDeleteMe(InputSchema):
    password: Annotated[str, TextLimits(128, min_length=1, strip=False)] = Field(
        description="The current password, to confirm"
    )
