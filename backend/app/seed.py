"""Demo data: the admin from ADMIN_EMAIL / ADMIN_PASSWORD, a support agent, a customer with
an account holding 50.00 (one ledger credit), and the demo catalog (categories, products,
stores and their stock, from app.demo_data).

python -m app.seed             # add whatever demo data is missing, reset demo stock levels
python -m app.seed --if-empty  # only on an empty database (what `make run` does)

Loading is idempotent: users are matched by e-mail, categories and products by slug, stores
by name; what exists is left as it is (an admin's edits survive), what is missing is added.
Stock rows of the demo stores are set to the demo quantities.
"""

import argparse
import asyncio
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app import demo_data
from app.core.config import settings
from app.core.db import SessionFactory, engine
from app.models import Category, Product, RoleName, Stock, Store, User
from app.payments import repository as payments_repo
from app.payments import service as payments_service
from app.payments.schemas import WebhookPayload
from app.users import repository as users_repo
from app.users import service as users_service

DEMO_PASSWORD = "demo-shopper-2026"  # noqa: S105 (public demo accounts, printed in the README)
DEMO_USERS = [
    ("customer@example.com", "customer", "Dana Customer", RoleName.customer),
    ("support@example.com", "support", "Sam Support", RoleName.support),
]


@dataclass
class CatalogResult:
    """What the demo catalog holds, and how much of it this run added."""

    categories: int = 0
    products: int = 0
    stores: int = 0
    stock_rows: int = 0
    categories_added: int = 0
    products_added: int = 0
    stores_added: int = 0
    stock_changed: int = 0


async def ensure_user(
    session: AsyncSession, email: str, username: str, password: str, full_name: str, role: RoleName
) -> User:
    user = await users_repo.by_email(session, email)
    if user is None:
        user = await users_service.create_user(
            session,
            email=email,
            username=username,
            password=password,
            full_name=full_name,
            role=role,
            verified=True,
        )
    return user


async def seed_users(session: AsyncSession) -> None:
    await ensure_user(
        session,
        settings.admin_email,
        settings.admin_email.split("@")[0],
        settings.admin_password.get_secret_value(),
        "Shop Admin",
        RoleName.admin,
    )
    if settings.environment == "production":
        return  # demo accounts have a published password: never in production
    for email, username, full_name, role in DEMO_USERS:
        user = await ensure_user(session, email, username, DEMO_PASSWORD, full_name, role)
        if role == RoleName.customer:
            await seed_money(session, user)


DEMO_CREDIT = Decimal("50.00")


async def seed_money(session: AsyncSession, customer: User) -> None:
    """The demo customer's account, credited once as the payment provider would do it (the
    transaction id is fixed, so a second run is a duplicate that changes nothing)."""
    account = (await payments_repo.accounts_of(session, customer.id))[0]
    await payments_service.credit_from_webhook(
        session,
        WebhookPayload(
            transaction_id=f"demo-welcome-{customer.id}",
            account_id=account.id,
            user_id=customer.id,
            amount=DEMO_CREDIT,
        ),
    )


async def _seed_categories(session: AsyncSession, result: CatalogResult) -> dict[str, int]:
    """Categories by slug, parents first (CATEGORIES lists them in that order)."""
    slugs = [c["slug"] for c in demo_data.CATEGORIES]
    rows = await session.execute(select(Category.slug, Category.id).where(Category.slug.in_(slugs)))
    ids: dict[str, int] = dict(rows.all())
    for data in demo_data.CATEGORIES:
        if data["slug"] in ids:
            continue
        category = Category(
            slug=data["slug"],
            name=data["name"],
            description=data["description"],
            parent_id=ids[data["parent"]] if data["parent"] else None,
        )
        session.add(category)
        await session.flush()
        ids[data["slug"]] = category.id
        result.categories_added += 1
    result.categories = len(ids)
    return ids


async def _seed_products(
    session: AsyncSession, category_ids: dict[str, int], result: CatalogResult
) -> dict[str, int]:
    slugs = [p["slug"] for p in demo_data.PRODUCTS]
    rows = await session.execute(select(Product.slug, Product.id).where(Product.slug.in_(slugs)))
    ids: dict[str, int] = dict(rows.all())
    added: list[Product] = []
    for data in demo_data.PRODUCTS:
        if data["slug"] in ids:
            continue
        product = Product(
            slug=data["slug"],
            name=data["name"],
            description=data["description"],
            price=Decimal(data["price"]),
            category_id=category_ids[data["category"]],
            is_active=data.get("is_active", True),
            attributes=data["attributes"],
        )
        session.add(product)
        added.append(product)
    await session.flush()
    ids.update({product.slug: product.id for product in added})
    result.products_added = len(added)
    result.products = len(ids)
    return ids


async def _seed_stores(session: AsyncSession, result: CatalogResult) -> dict[str, int]:
    names = [s["name"] for s in demo_data.STORES]
    rows = await session.execute(select(Store.name, Store.id).where(Store.name.in_(names)))
    ids: dict[str, int] = dict(rows.all())
    added: list[Store] = []
    for data in demo_data.STORES:
        if data["name"] in ids:
            continue
        store = Store(**data)
        session.add(store)
        added.append(store)
    await session.flush()
    ids.update({store.name: store.id for store in added})
    result.stores_added = len(added)
    result.stores = len(ids)
    return ids


async def _seed_stock(
    session: AsyncSession,
    store_ids: dict[str, int],
    product_ids: dict[str, int],
    result: CatalogResult,
) -> None:
    """Upsert the demo quantities; rows already at the demo value are left untouched."""
    rows = [
        {"store_id": store_ids[store], "product_id": product_ids[slug], "quantity": quantity}
        for store, quantities in demo_data.STOCK.items()
        for slug, quantity in quantities.items()
    ]
    result.stock_rows = len(rows)
    if not rows:
        return
    statement = insert(Stock).values(rows)
    upsert = statement.on_conflict_do_update(
        index_elements=[Stock.store_id, Stock.product_id],
        set_={"quantity": statement.excluded.quantity, "updated_at": func.now()},
        where=Stock.quantity != statement.excluded.quantity,
    ).returning(Stock.product_id)
    changed = await session.scalars(upsert)
    result.stock_changed = len(changed.all())


async def seed_catalog(session: AsyncSession) -> CatalogResult:
    """Load the demo catalog into the session's transaction (the caller commits)."""
    result = CatalogResult()
    category_ids = await _seed_categories(session, result)
    product_ids = await _seed_products(session, category_ids, result)
    store_ids = await _seed_stores(session, result)
    await _seed_stock(session, store_ids, product_ids, result)
    return result


async def seed(if_empty: bool = False) -> CatalogResult | None:
    """Load the demo data in one transaction; None when --if-empty found existing users."""
    async with SessionFactory() as session, session.begin():
        if if_empty and await session.scalar(select(func.count()).select_from(User)):
            print("[shop] database already has data; demo data not loaded")
            return None
        await seed_users(session)
        catalog = await seed_catalog(session)
    print(
        f"[shop] demo catalog: {catalog.categories} categories, {catalog.products} products, "
        f"{catalog.stores} stores, {catalog.stock_rows} stock rows "
        f"(added {catalog.categories_added} categories, {catalog.products_added} products, "
        f"{catalog.stores_added} stores; {catalog.stock_changed} stock rows set)"
    )
    print(
        f"[shop] demo data loaded: admin {settings.admin_email}, "
        f"customer@example.com / support@example.com (password {DEMO_PASSWORD}); "
        f"the customer's account holds {DEMO_CREDIT} {settings.currency}"
    )
    return catalog


async def _run(if_empty: bool) -> None:
    try:
        await seed(if_empty)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--if-empty", action="store_true")
    asyncio.run(_run(parser.parse_args().if_empty))


if __name__ == "__main__":
    main()
