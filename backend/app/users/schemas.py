from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from app.core.schemas import InputSchema, Schema
from app.models import RoleName


@lru_cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).resolve().parents[1] / "core" / "common_passwords.txt"
    return frozenset(path.read_text().split())


def _not_common(password: str) -> str:
    if password.lower() in _common_passwords():
        raise ValueError("this password is too common; choose another")
    return password


Password = Annotated[
    str, StringConstraints(min_length=8, max_length=128), AfterValidator(_not_common)
]
Username = Annotated[
    str,
    StringConstraints(
        min_length=3, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$", strip_whitespace=True
    ),
]
FullName = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Phone = Annotated[str, StringConstraints(max_length=32, pattern=r"^[0-9+()\- .]*$")]
Address = Annotated[str, StringConstraints(max_length=300)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]


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


class UserUpdateMe(InputSchema):
    username: Username | None = None
    full_name: FullName | None = None
    phone: Phone | None = None
    address: Address | None = None


class UserAdminUpdate(UserUpdateMe):
    is_active: bool | None = None
    role: RoleName | None = None


class PasswordChange(InputSchema):
    current_password: Annotated[str, StringConstraints(max_length=128)]
    new_password: Password


class UserDeleteMe(InputSchema):
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)] = Field(
        description="The current password, to confirm"
    )
