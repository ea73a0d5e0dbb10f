"""Test data made through the same services the API uses, with overrides."""

import itertools
import re

from app.core.db import SessionFactory
from app.models import RoleName, User
from app.users import service as users_service

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


async def create_user(
    *,
    role: RoleName = RoleName.customer,
    verified: bool = True,
    password: str = PASSWORD,
    **overrides,
) -> User:
    n = next(_seq)
    username = overrides.pop("username", f"user{n}")
    email = overrides.pop("email", f"{username}@example.com")
    async with SessionFactory() as session, session.begin():
        return await users_service.create_user(
            session,
            email=email,
            username=username,
            password=password,
            full_name=overrides.pop("full_name", f"User {n}"),
            role=role,
            verified=verified,
        )


async def login(client, login: str, password: str = PASSWORD) -> dict:
    response = await client.post("/api/v1/auth/login", json={"login": login, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def user_headers(client, **overrides) -> tuple[User, dict[str, str]]:
    """A verified user of the given role, logged in: (user, auth headers)."""
    user = await create_user(**overrides)
    return user, bearer(await login(client, user.username))


def link_token(message) -> str:
    """The token of the link in a mail's plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)
