"""Test data made through the same services the API uses, with overrides; the fields go
through the API's own input schemas too, so a factory cannot make what the API refuses."""

import itertools
import re

from app.catalog import service as catalog_service
from app.catalog.schemas import CategoryCreate, ProductCreate
from app.core.db import SessionFactory
from app.models import Category, Product, RoleName, Store, User
from app.stores import service as stores_service
from app.stores.schemas import StoreCreate
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


async def create_category(name: str, parent_id: int | None = None, **overrides) -> Category:
    async with SessionFactory() as session, session.begin():
        return await catalog_service.create_category(
            session, CategoryCreate(name=name, parent_id=parent_id, **overrides)
        )


async def create_product(name: str, category_id: int, price: str = "10.00", **overrides) -> Product:
    async with SessionFactory() as session, session.begin():
        return await catalog_service.create_product(
            session,
            ProductCreate.model_validate(
                {"name": name, "category_id": category_id, "price": price, **overrides}
            ),
        )


async def create_store(
    name: str, timezone: str = "Europe/Berlin", hours: dict | None = None, **overrides
) -> Store:
    address = overrides.pop("address", f"{name} Street 1")
    async with SessionFactory() as session, session.begin():
        return await stores_service.create_store(
            session,
            StoreCreate.model_validate(
                {
                    "name": name,
                    "address": address,
                    "timezone": timezone,
                    "opening_hours": hours or {},
                    **overrides,
                }
            ),
        )


async def set_stock(
    store_id: int, product_id: int, quantity: int, variant_id: int | None = None
) -> None:
    """`variant_id` may be left out for a product with one active variant (as in the API)."""
    async with SessionFactory() as session, session.begin():
        await stores_service.set_stock(
            session, store_id, product_id, quantity, variant_id=variant_id
        )
