"""Demo data: the admin from ADMIN_EMAIL / ADMIN_PASSWORD, and what dev/demo_data.toml holds (a
support agent, a customer with an account holding 50.00, the catalog, the stores and their stock).

python -m dev.seed             # add whatever demo data is missing, reset demo stock levels
python -m dev.seed --if-empty  # only on an empty database (what `make run` does)

Every row of the file is validated by the API's own input schemas before anything is written,
and written by the services the API uses, so the demo data obeys every rule an admin's input
does. A row they refuse stops the load with a DemoDataError naming it (section, position, slug
or name) and the reason; nothing is written then.

Loading is idempotent: users are matched by e-mail, categories and products by slug, stores
by name; what exists is left as it is (an admin's edits survive), what is missing is added.
Stock rows of the demo stores are set to the demo quantities. A demo product without any image
gets its drawn picture (dev/pictures.py: a book cover, a bag of coffee, a cup, a box), stored
through the catalog's image service as an admin's upload is.
"""

import argparse
import asyncio
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import service as catalog_service
from app.catalog.schemas import CategoryCreate, CategoryUpdate, ProductCreate, ProductUpdate
from app.core.config import settings
from app.core.db import engine, unit_of_work
from app.core.types import PositiveMoney
from app.models import (
    Category,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductTranslation,
    RoleName,
    Stock,
    Store,
    User,
)
from app.payments import service as payments_service
from app.payments.schemas import WebhookPayload
from app.stores import service as stores_service
from app.stores.schemas import StockSet, StoreCreate
from app.users import service as users_service
from app.users.schemas import UserRegister
from dev import pictures

DATA_FILE = Path(__file__).with_name("demo_data.toml")
SECTIONS = {"password", "users", "categories", "products", "stores", "stock"}


Model = TypeVar("Model", bound=BaseModel)


class DemoDataError(ValueError):
    """The data file cannot be loaded: the message names the row and what is wrong with it."""


class DemoUser(UserRegister):
    """A demo account: what registration asks for, its role, and an optional first credit."""

    role: Annotated[RoleName, Field(strict=False)] = RoleName.customer
    credit: PositiveMoney | None = None


@dataclass
class DemoCategory:
    data: CategoryCreate
    parent: str | None  # the parent's slug


@dataclass
class DemoProduct:
    data: ProductCreate
    category: str  # the category's slug


@dataclass
class DemoData:
    """The data file, every row validated; references by slug and name, checked to resolve."""

    password: str
    users: list[DemoUser]
    categories: list[DemoCategory]
    products: list[DemoProduct]
    stores: list[StoreCreate]
    stock: dict[str, dict[str, int]]  # store name -> product slug -> quantity


@dataclass
class CatalogResult:
    """What the demo catalog holds, and how much of it this run added."""

    categories: int = 0
    products: int = 0
    stores: int = 0
    stock_rows: int = 0
    pictures: int = 0
    categories_added: int = 0
    products_added: int = 0
    translations_added: int = 0  # to categories and products there before
    stores_added: int = 0
    stock_changed: int = 0
    pictures_added: int = 0


# --- reading and checking the file ---------------------------------------------------------


@dataclass
class _Reader:
    """Reads one section after the other, keeping every refusal and the keys seen so far (a
    row may refer only to what the file holds)."""

    document: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    category_slugs: set[str] = field(default_factory=set)
    product_slugs: set[str] = field(default_factory=set)
    store_names: set[str] = field(default_factory=set)

    def rows(self, section: str) -> list[dict[str, Any]]:
        rows = self.document.get(section, [])
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            self.errors.append(f"{section}: a list of tables ([[{section}]])")
            return []
        return [dict(row) for row in rows]

    def validate(
        self, schema: type[Model], place: str, row: dict[str, Any], **references: Any
    ) -> Model | None:
        """`row` validated by `schema` as the API validates a request body; None when refused
        (the reasons are kept, each field by name)."""
        try:
            return schema.model_validate({**row, **references})
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = ".".join(str(part) for part in error["loc"]) or "row"
                self.errors.append(f"{place}: {where}: {error['msg']}")
            return None

    def key(self, place: str, row: dict[str, Any], name: str, seen: set[str]) -> str | None:
        """The row's `name` (slug, name), required: the key that makes loading idempotent."""
        value = row.get(name)
        if not isinstance(value, str) or not value:
            self.errors.append(f"{place}: {name}: required (rows are matched by it)")
            return None
        if value in seen:
            self.errors.append(f"{place}: {name} {value!r} appears twice")
            return None
        seen.add(value)
        return value

    def password(self) -> str:
        password = self.document.get("password")
        if not isinstance(password, str):
            self.errors.append("password: the demo accounts' password, a string")
            return ""
        return password

    def users(self, password: str) -> list[DemoUser]:
        users: list[DemoUser] = []
        emails: set[str] = set()
        for n, row in enumerate(self.rows("users")):
            place = f"users[{n}] {row.get('email')!r}"
            if self.key(place, row, "email", emails) is None:
                continue
            user = self.validate(DemoUser, place, row, password=password)
            if user is not None and user.role == RoleName.admin:
                self.errors.append(
                    f"{place}: role: the admin comes from ADMIN_EMAIL / ADMIN_PASSWORD"
                )
            elif user is not None:
                users.append(user)
        return users

    def categories(self) -> list[DemoCategory]:
        categories = []
        for n, row in enumerate(self.rows("categories")):
            place = f"categories[{n}] {row.get('slug')!r}"
            parent = row.pop("parent", None)
            if parent is not None and parent not in self.category_slugs:
                self.errors.append(f"{place}: parent {parent!r} is not a category listed before it")
            if self.key(place, row, "slug", self.category_slugs) is None:
                continue
            if (category := self.validate(CategoryCreate, place, row)) is not None:
                categories.append(DemoCategory(category, parent))
        return categories

    def products(self) -> list[DemoProduct]:
        products = []
        for n, row in enumerate(self.rows("products")):
            place = f"products[{n}] {row.get('slug')!r}"
            category = row.pop("category", None)
            if category not in self.category_slugs:
                self.errors.append(f"{place}: category {category!r} is not a category of the file")
            if self.key(place, row, "slug", self.product_slugs) is None:
                continue
            # category_id is the category's once it exists; any valid id stands in for it here.
            product = self.validate(ProductCreate, place, row, category_id=1)
            if product is not None and isinstance(category, str):
                products.append(DemoProduct(product, category))
        return products

    def stores(self) -> list[StoreCreate]:
        stores = []
        for n, row in enumerate(self.rows("stores")):
            place = f"stores[{n}] {row.get('name')!r}"
            if self.key(place, row, "name", self.store_names) is None:
                continue
            if (store := self.validate(StoreCreate, place, row)) is not None:
                stores.append(store)
        return stores

    def stock(self) -> dict[str, dict[str, int]]:
        table = self.document.get("stock", {})
        if not isinstance(table, dict):
            self.errors.append('stock: a table of stores ([stock."store name"])')
            return {}
        stock: dict[str, dict[str, int]] = {}
        for store_name, quantities in table.items():
            place = f"stock[{store_name!r}]"
            if store_name not in self.store_names:
                self.errors.append(f"{place}: {store_name!r} is not a store of the file")
            if not isinstance(quantities, dict):
                self.errors.append(f"{place}: a table of product slug = quantity")
                continue
            stock[store_name] = {}
            for slug, quantity in quantities.items():
                if slug not in self.product_slugs:
                    self.errors.append(f"{place}.{slug}: not a product of the file")
                row = self.validate(StockSet, f"{place}.{slug}", {"quantity": quantity})
                if row is not None:
                    stock[store_name][slug] = row.quantity
        return stock


def parse_demo_data(text: str, source: str = "demo data") -> DemoData:
    """The demo data from TOML text; DemoDataError naming every refused row otherwise."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{source}: not TOML: {exc}") from None
    reader = _Reader(document)
    if unknown := sorted(set(document) - SECTIONS):
        reader.errors.append(f"unknown sections {unknown}; known: {sorted(SECTIONS)}")
    password = reader.password()
    # In this order: a row refers only to the sections before it.
    data = DemoData(
        password=password,
        users=reader.users(password),
        categories=reader.categories(),
        products=reader.products(),
        stores=reader.stores(),
        stock=reader.stock(),
    )
    if reader.errors:
        shown = "\n  ".join(reader.errors)
        raise DemoDataError(f"{source}: {len(reader.errors)} refused:\n  {shown}")
    return data


@cache
def demo_data(path: Path = DATA_FILE) -> DemoData:
    return parse_demo_data(path.read_text(encoding="utf-8"), str(path))


# --- loading -------------------------------------------------------------------------------


async def ensure_user(session: AsyncSession, demo: DemoUser) -> User:
    user = await users_service.by_email(session, demo.email)
    if user is None:
        user = await users_service.create_user(
            session,
            email=demo.email,
            username=demo.username,
            password=demo.password,
            full_name=demo.full_name,
            role=demo.role,
            verified=True,
        )
    return user


async def credit_once(session: AsyncSession, user: User, amount: Decimal) -> None:
    """The user's account, credited once as the payment provider would do it (the transaction
    id is fixed, so a second run is a duplicate that changes nothing)."""
    account = (await payments_service.list_accounts(session, user))[0]
    await payments_service.credit_from_webhook(
        session,
        WebhookPayload(
            transaction_id=f"demo-welcome-{user.id}",
            account_id=account.id,
            user_id=user.id,
            amount=amount,
        ),
    )


async def seed_users(session: AsyncSession, data: DemoData) -> None:
    await users_service.ensure_admin(session)  # as the production stack makes its first admin
    if settings.environment == "production":
        return  # demo accounts have a published password: never in production
    for demo in data.users:
        user = await ensure_user(session, demo)
        if demo.credit is not None:
            await credit_once(session, user, demo.credit)


async def _existing(session: AsyncSession, column: Any, keys: list[Any]) -> dict[Any, int]:
    """Ids of the rows whose `column` is among `keys`, by key."""
    entity = column.class_
    rows = await session.execute(select(column, entity.id).where(column.in_(keys)))
    return dict(rows.all())


async def _translated(session: AsyncSession, owner: Any, ids: list[int]) -> dict[int, set[str]]:
    """The languages each of these categories or products has a translation in."""
    rows = await session.execute(select(owner, owner.class_.language).where(owner.in_(ids)))
    languages: dict[int, set[str]] = {}
    for owner_id, language in rows:
        languages.setdefault(owner_id, set()).add(language)
    return languages


def _missing(demo: CategoryCreate | ProductCreate, present: set[str]) -> dict[Any, Any]:
    """The file's translations of a row that it lacks (an admin's own are left as they are)."""
    return {
        language: text
        for language, text in demo.translations.items()
        if text is not None and str(language) not in present
    }


async def _seed_categories(
    session: AsyncSession, data: DemoData, result: CatalogResult
) -> dict[str, int]:
    """Categories by slug, parents first (the file lists them in that order)."""
    ids = await _existing(session, Category.slug, [c.data.slug for c in data.categories])
    translated = await _translated(session, CategoryTranslation.category_id, list(ids.values()))
    for demo in data.categories:
        assert demo.data.slug is not None  # parse_demo_data requires it
        if demo.data.slug in ids:
            missing = _missing(demo.data, translated.get(ids[demo.data.slug], set()))
            if missing:
                await catalog_service.update_category(
                    session,
                    ids[demo.data.slug],
                    CategoryUpdate.model_validate({"translations": missing}),
                )
                result.translations_added += len(missing)
            continue
        parent_id = ids[demo.parent] if demo.parent else None
        category = await catalog_service.create_category(
            session, demo.data.model_copy(update={"parent_id": parent_id})
        )
        ids[demo.data.slug] = category.id
        result.categories_added += 1
    result.categories = len(ids)
    return ids


async def _seed_products(
    session: AsyncSession, data: DemoData, category_ids: dict[str, int], result: CatalogResult
) -> dict[str, int]:
    ids = await _existing(session, Product.slug, [p.data.slug for p in data.products])
    translated = await _translated(session, ProductTranslation.product_id, list(ids.values()))
    for demo in data.products:
        assert demo.data.slug is not None  # parse_demo_data requires it
        if demo.data.slug in ids:
            missing = _missing(demo.data, translated.get(ids[demo.data.slug], set()))
            if missing:
                await catalog_service.update_product(
                    session,
                    ids[demo.data.slug],
                    ProductUpdate.model_validate({"translations": missing}),
                )
                result.translations_added += len(missing)
            continue
        product = await catalog_service.create_product(
            session, demo.data.model_copy(update={"category_id": category_ids[demo.category]})
        )
        ids[demo.data.slug] = product.id
        result.products_added += 1
    result.products = len(ids)
    return ids


async def _seed_pictures(
    session: AsyncSession, data: DemoData, product_ids: dict[str, int], result: CatalogResult
) -> None:
    """A drawn picture for every demo product that has no image (an admin's images are kept)."""
    parents = {c.data.slug: c.parent for c in data.categories}
    pictured = set(
        (
            await session.scalars(
                select(ProductImage.product_id)
                .where(ProductImage.product_id.in_(product_ids.values()))
                .distinct()
            )
        ).all()
    )
    for demo in data.products:
        assert demo.data.slug is not None  # parse_demo_data requires it
        product_id = product_ids[demo.data.slug]
        if product_id in pictured:
            continue
        picture = pictures.describe(
            demo.data.slug,
            demo.data.name,
            demo.data.attributes,
            f"{parents.get(demo.category) or ''}/{demo.category}",
        )
        raw = await asyncio.to_thread(pictures.render, picture)
        await catalog_service.add_image(
            session, product_id, raw, alt_text=picture.alt_text, position=0
        )
        result.pictures_added += 1
    result.pictures = len(pictured) + result.pictures_added


async def _seed_stores(
    session: AsyncSession, data: DemoData, result: CatalogResult
) -> dict[str, int]:
    ids = await _existing(session, Store.name, [s.name for s in data.stores])
    for demo in data.stores:
        if demo.name in ids:
            continue
        ids[demo.name] = (await stores_service.create_store(session, demo)).id
        result.stores_added += 1
    result.stores = len(ids)
    return ids


async def _seed_stock(
    session: AsyncSession,
    data: DemoData,
    store_ids: dict[str, int],
    product_ids: dict[str, int],
    result: CatalogResult,
) -> None:
    """Set the demo quantities; rows already at the demo value are left untouched."""
    wanted = {
        (store_ids[store], product_ids[slug]): quantity
        for store, quantities in data.stock.items()
        for slug, quantity in quantities.items()
    }
    rows = await session.execute(
        select(Stock.store_id, Stock.product_id, Stock.quantity).where(
            Stock.store_id.in_(set(store_ids.values()))
        )
    )
    current = {(store, product): quantity for store, product, quantity in rows}
    result.stock_rows = len(wanted)
    for (store_id, product_id), quantity in wanted.items():
        if current.get((store_id, product_id)) != quantity:
            await stores_service.set_stock(session, store_id, product_id, quantity)
            result.stock_changed += 1


async def seed_catalog(session: AsyncSession, data: DemoData) -> CatalogResult:
    """Load the demo catalog into the session's transaction (the caller commits)."""
    result = CatalogResult()
    category_ids = await _seed_categories(session, data, result)
    product_ids = await _seed_products(session, data, category_ids, result)
    await _seed_pictures(session, data, product_ids, result)
    store_ids = await _seed_stores(session, data, result)
    await _seed_stock(session, data, store_ids, product_ids, result)
    return result


async def seed(if_empty: bool = False, data: DemoData | None = None) -> CatalogResult | None:
    """Load the demo data in one transaction; None when --if-empty found existing users."""
    data = data or demo_data()  # checked whole before the database is touched
    async with unit_of_work() as session:
        if if_empty and await users_service.any_user(session):
            print("[shop] database already has data; demo data not loaded")
            return None
        await seed_users(session, data)
        catalog = await seed_catalog(session, data)
    print(
        f"[shop] demo catalog: {catalog.categories} categories, {catalog.products} products, "
        f"{catalog.stores} stores, {catalog.stock_rows} stock rows "
        f"(added {catalog.categories_added} categories, {catalog.products_added} products, "
        f"{catalog.pictures_added} pictures, {catalog.stores_added} stores, "
        f"{catalog.translations_added} translations; "
        f"{catalog.stock_changed} stock rows set)"
    )
    if settings.environment == "production":
        print(f"[shop] demo data loaded: admin {settings.admin_email} (no demo accounts)")
        return catalog
    credits = "".join(
        f"; {user.email} holds {user.credit} {settings.currency}"
        for user in data.users
        if user.credit
    )
    print(
        f"[shop] demo data loaded: admin {settings.admin_email}, "
        f"{' / '.join(user.email for user in data.users)} (password {data.password}){credits}"
    )
    return catalog


async def _run(if_empty: bool, data: DemoData) -> None:
    try:
        await seed(if_empty, data)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--if-empty", action="store_true", help="only into an empty database")
    parser.add_argument(
        "--file", type=Path, default=DATA_FILE, help="the data file (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        data = demo_data(args.file)
    except DemoDataError as exc:
        print(f"[shop] the demo data was not loaded: {exc}", flush=True)
        return 1
    asyncio.run(_run(args.if_empty, data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
