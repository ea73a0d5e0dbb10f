"""Demo data: the admin from ADMIN_EMAIL / ADMIN_PASSWORD, and what dev/demo_data.toml holds (a
support agent, a customer with an account holding 50.00, the catalog, the stores and their stock).

python -m dev.seed             # add whatever demo data is missing, reset demo stock levels
python -m dev.seed --if-empty  # only on an empty database (what `make run` does)

Every row of the file is validated by the API's own input schemas before anything is written,
and written by the services the API uses, so the demo data obeys every rule an admin's input
does. A row they refuse stops the load with a DemoDataError naming it (section, position, slug
or name) and the reason; nothing is written then.

Loading is idempotent: users are matched by e-mail, categories and products by slug, stores
and modifier groups by name; what exists is left as it is (an admin's edits survive), what is
missing is added. A product's variants (sizes, formats) and its modifier groups are set up when
the product is added; a group's modifiers and the stores they are out at when the group is.
Stock rows of the demo stores are set to the demo quantities, per variant, in one statement. A
demo product without any image gets its drawn picture (dev/pictures.py: a book cover, a bag of
coffee, a cup, a box), stored through the catalog's image service as an admin's upload is.
"""

import argparse
import asyncio
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import service as catalog_service
from app.catalog.schemas import (
    Attributes,
    CategoryCreate,
    CategoryUpdate,
    ProductCreate,
    ProductUpdate,
    TranslationKey,
)
from app.core.config import settings
from app.core.db import engine, unit_of_work
from app.core.schemas import InputSchema
from app.core.types import Money, PositiveMoney, TextLimits, WholeNumber
from app.models import (
    Category,
    CategoryTranslation,
    Modifier,
    ModifierGroup,
    ModifierGroupTranslation,
    ModifierTranslation,
    ModifierUnavailable,
    Product,
    ProductImage,
    ProductModifierGroup,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
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
SECTIONS = {"password", "users", "categories", "modifier_groups", "products", "stores", "stock"}
# A default variant's SKU (migration 0015): never a demo variant's.
RESERVED_SKU = re.compile(r"P\d+")


Model = TypeVar("Model", bound=BaseModel)


class DemoDataError(ValueError):
    """The data file cannot be loaded: the message names the row and what is wrong with it."""


class DemoUser(UserRegister):
    """A demo account: what registration asks for, its role, and an optional first credit."""

    role: Annotated[RoleName, Field(strict=False)] = RoleName.customer
    credit: PositiveMoney | None = None


OptionName = Annotated[str, TextLimits(100, min_length=1)]
OptionTranslations = dict[TranslationKey, OptionName]


class DemoVariant(InputSchema):
    """A size or format of a product: its own SKU, price and stock."""

    sku: Annotated[str, TextLimits(64, min_length=1)]
    name: OptionName
    price: Money
    attributes: Attributes = {}
    translations: OptionTranslations = {}


class DemoModifier(InputSchema):
    name: OptionName
    price_delta: Money = Decimal("0.00")
    out_at: list[OptionName] = []  # names of the stores it is out at
    translations: OptionTranslations = {}


class DemoModifierGroup(InputSchema):
    """A choice shared by products ("Milk": single, required, dairy by default)."""

    name: OptionName
    kind: Literal["single", "multiple"]
    required: bool = False
    min_choices: Annotated[int, WholeNumber(0, 100)] = 0
    max_choices: Annotated[int, WholeNumber(1, 100)] | None = None
    default: OptionName | None = None  # the name of one of its modifiers
    translations: OptionTranslations = {}
    modifiers: list[DemoModifier] = Field(min_length=1)


@dataclass
class DemoCategory:
    data: CategoryCreate
    parent: str | None  # the parent's slug


@dataclass
class DemoProduct:
    data: ProductCreate
    category: str  # the category's slug
    variants: list[DemoVariant] = field(default_factory=list)  # none: its one default variant
    modifier_groups: list[str] = field(default_factory=list)  # group names, in page order


@dataclass
class DemoData:
    """The data file, every row validated; references by slug and name, checked to resolve."""

    password: str
    users: list[DemoUser]
    categories: list[DemoCategory]
    products: list[DemoProduct]
    stores: list[StoreCreate]
    # store name -> product slug -> variant SKU ("" for a product's only variant) -> quantity
    stock: dict[str, dict[str, dict[str, int]]]
    modifier_groups: list[DemoModifierGroup] = field(default_factory=list)


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
    variants_added: int = 0
    modifier_groups_added: int = 0


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
    group_names: set[str] = field(default_factory=set)
    product_skus: dict[str, list[str]] = field(default_factory=dict)  # slug -> its variants'

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

    def modifier_groups(self) -> list[DemoModifierGroup]:
        groups = []
        for n, row in enumerate(self.rows("modifier_groups")):
            place = f"modifier_groups[{n}] {row.get('name')!r}"
            if self.key(place, row, "name", self.group_names) is None:
                continue
            group = self.validate(DemoModifierGroup, place, row)
            if group is None:
                continue
            names = [m.name for m in group.modifiers]
            if len(set(names)) != len(names):
                self.errors.append(f"{place}: modifiers: a name appears twice")
            if group.default is not None and group.default not in names:
                self.errors.append(f"{place}: default {group.default!r} is not one of {names}")
            if group.kind == "single" and (group.min_choices > 1 or (group.max_choices or 1) > 1):
                self.errors.append(f"{place}: a single choice chooses at most one")
            if group.max_choices is not None and group.max_choices < group.min_choices:
                self.errors.append(f"{place}: max_choices is below min_choices")
            groups.append(group)
        return groups

    def products(self, skus: set[str]) -> list[DemoProduct]:
        products = []
        for n, row in enumerate(self.rows("products")):
            place = f"products[{n}] {row.get('slug')!r}"
            category = row.pop("category", None)
            variant_rows = row.pop("variants", [])
            group_names = row.pop("modifier_groups", [])
            if category not in self.category_slugs:
                self.errors.append(f"{place}: category {category!r} is not a category of the file")
            if not isinstance(group_names, list) or any(
                name not in self.group_names for name in group_names
            ):
                self.errors.append(
                    f"{place}: modifier_groups {group_names!r}: "
                    "names of modifier groups of the file"
                )
                group_names = []
            if self.key(place, row, "slug", self.product_slugs) is None:
                continue
            # category_id is the category's once it exists; any valid id stands in for it here.
            product = self.validate(ProductCreate, place, row, category_id=1)
            variants = self.variants(place, variant_rows, skus)
            if product is not None and variants and product.price != min(v.price for v in variants):
                self.errors.append(
                    f"{place}: price: a product with variants costs its lowest variant's price "
                    f"({min(v.price for v in variants)})"
                )
            if product is not None and isinstance(category, str):
                assert product.slug is not None  # self.key required it
                self.product_skus[product.slug] = [v.sku for v in variants]
                products.append(DemoProduct(product, category, variants, group_names))
        return products

    def variants(self, place: str, rows: Any, skus: set[str]) -> list[DemoVariant]:
        """A product's variants: none, or at least two (one is the product itself)."""
        if not isinstance(rows, list) or len(rows) == 1:
            self.errors.append(f"{place}: variants: none, or a list of two or more")
            return []
        variants = []
        for n, row in enumerate(rows):
            where = f"{place}: variants[{n}]"
            variant = self.validate(DemoVariant, where, row if isinstance(row, dict) else {})
            if variant is None:
                continue
            if RESERVED_SKU.fullmatch(variant.sku):
                self.errors.append(f"{where}: sku {variant.sku!r} is reserved (P<digits>)")
            elif variant.sku in skus:
                self.errors.append(f"{where}: sku {variant.sku!r} appears twice")
            skus.add(variant.sku)
            variants.append(variant)
        return variants

    def stores(self) -> list[StoreCreate]:
        stores = []
        for n, row in enumerate(self.rows("stores")):
            place = f"stores[{n}] {row.get('name')!r}"
            if self.key(place, row, "name", self.store_names) is None:
                continue
            if (store := self.validate(StoreCreate, place, row)) is not None:
                stores.append(store)
        return stores

    def out_at(self, groups: list[DemoModifierGroup]) -> None:
        """Every store a modifier is out at is a store of the file."""
        for group in groups:
            for modifier in group.modifiers:
                for store in modifier.out_at:
                    if store not in self.store_names:
                        self.errors.append(
                            f"modifier_groups {group.name!r}: {modifier.name!r}: out_at "
                            f"{store!r} is not a store of the file"
                        )

    def quantities(self, place: str, slug: str, value: Any) -> dict[str, int]:
        """A product's quantities by variant SKU ("" for a product without variants)."""
        skus = self.product_skus.get(slug, [])
        if not skus:
            values = {"": value}
        elif not isinstance(value, dict):
            self.errors.append(f"{place}: a table of its variants' SKUs = quantity ({skus})")
            return {}
        else:
            values = value
        quantities = {}
        for sku, quantity in values.items():
            if sku and sku not in skus:
                self.errors.append(f"{place}.{sku}: not a variant of {slug}")
            where = f"{place}.{sku}" if sku else place
            row = self.validate(StockSet, where, {"quantity": quantity})
            if row is not None:
                quantities[sku] = row.quantity
        return quantities

    def stock(self) -> dict[str, dict[str, dict[str, int]]]:
        table = self.document.get("stock", {})
        if not isinstance(table, dict):
            self.errors.append('stock: a table of stores ([stock."store name"])')
            return {}
        stock: dict[str, dict[str, dict[str, int]]] = {}
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
                stock[store_name][slug] = self.quantities(f"{place}.{slug}", slug, quantity)
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
    users = reader.users(password)
    categories = reader.categories()
    groups = reader.modifier_groups()
    products = reader.products(set())
    stores = reader.stores()
    reader.out_at(groups)
    data = DemoData(
        password=password,
        users=users,
        categories=categories,
        products=products,
        stores=stores,
        stock=reader.stock(),
        modifier_groups=groups,
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


async def _seed_modifier_groups(
    session: AsyncSession, data: DemoData, result: CatalogResult
) -> tuple[dict[str, int], list[DemoModifierGroup]]:
    """Modifier groups by name; the missing ones added with their modifiers and translations,
    a few statements for all of them. Returns the ids and the groups added now."""
    ids = await _existing(session, ModifierGroup.name, [g.name for g in data.modifier_groups])
    added = [g for g in data.modifier_groups if g.name not in ids]
    if not added:
        return ids, []
    group_ids = await session.scalars(
        insert(ModifierGroup).returning(ModifierGroup.id, sort_by_parameter_order=True),
        [
            {
                "name": g.name,
                "kind": g.kind,
                "required": g.required,
                "min_choices": g.min_choices,
                "max_choices": g.max_choices,
            }
            for g in added
        ],
    )
    ids.update(zip([g.name for g in added], group_ids, strict=True))
    rows = [(g, n, m) for g in added for n, m in enumerate(g.modifiers)]
    modifier_ids = list(
        await session.scalars(
            insert(Modifier).returning(Modifier.id, sort_by_parameter_order=True),
            [
                {
                    "group_id": ids[g.name],
                    "name": m.name,
                    "price_delta": m.price_delta,
                    "position": n,
                }
                for g, n, m in rows
            ],
        )
    )
    defaults = [
        {"id": ids[g.name], "default_modifier_id": modifier_id}
        for (g, _, m), modifier_id in zip(rows, modifier_ids, strict=True)
        if g.default == m.name
    ]
    if defaults:
        await session.execute(update(ModifierGroup), defaults)
    group_translations = [
        {"group_id": ids[g.name], "language": str(language), "name": name}
        for g in added
        for language, name in g.translations.items()
    ]
    modifier_translations = [
        {"modifier_id": modifier_id, "language": str(language), "name": name}
        for (_, _, m), modifier_id in zip(rows, modifier_ids, strict=True)
        for language, name in m.translations.items()
    ]
    if group_translations:
        await session.execute(insert(ModifierGroupTranslation), group_translations)
    if modifier_translations:
        await session.execute(insert(ModifierTranslation), modifier_translations)
    result.modifier_groups_added = len(added)
    return ids, added


async def _seed_variants(
    session: AsyncSession,
    added: list[DemoProduct],
    product_ids: dict[str, int],
    group_ids: dict[str, int],
    result: CatalogResult,
) -> None:
    """The variants and modifier groups of the products added now. A new product has its
    default variant (migration 0015's trigger): it becomes the first listed, the others are
    inserted after it; a few statements for all products."""
    with_variants = [p for p in added if p.variants]
    defaults = dict(
        (
            await session.execute(
                select(ProductVariant.product_id, ProductVariant.id).where(
                    ProductVariant.product_id.in_(
                        [product_ids[str(p.data.slug)] for p in with_variants]
                    )
                )
            )
        ).all()
    )
    first, others = [], []
    for demo in with_variants:
        product_id = product_ids[str(demo.data.slug)]
        for position, variant in enumerate(demo.variants):
            row = {
                "sku": variant.sku,
                "name": variant.name,
                "price": variant.price,
                "attributes": variant.attributes,
                "position": position,
            }
            if position == 0:
                first.append({"id": defaults[product_id], **row})
            else:
                others.append({"product_id": product_id, **row})
    if first:
        await session.execute(update(ProductVariant), first)
    if others:
        await session.execute(insert(ProductVariant), others)
    result.variants_added = len(others)
    skus = [v.sku for p in with_variants for v in p.variants]
    variant_ids = await _existing(session, ProductVariant.sku, skus)
    translations = [
        {"variant_id": variant_ids[v.sku], "language": str(language), "name": name}
        for p in with_variants
        for v in p.variants
        for language, name in v.translations.items()
    ]
    if translations:
        await session.execute(insert(ProductVariantTranslation), translations)
    links = [
        {"product_id": product_ids[str(p.data.slug)], "group_id": group_ids[name], "position": n}
        for p in added
        for n, name in enumerate(p.modifier_groups)
    ]
    if links:
        await session.execute(insert(ProductModifierGroup), links)


async def _seed_out_at(
    session: AsyncSession, groups: list[DemoModifierGroup], store_ids: dict[str, int]
) -> None:
    """Where the modifiers of the groups added now are out ("oat milk at Brooklyn")."""
    wanted = [(g.name, m.name, store) for g in groups for m in g.modifiers for store in m.out_at]
    if not wanted:
        return
    rows = await session.execute(
        select(ModifierGroup.name, Modifier.name, Modifier.id)
        .join(Modifier, Modifier.group_id == ModifierGroup.id)
        .where(ModifierGroup.name.in_([g.name for g in groups]))
    )
    modifier_ids = {(group, name): modifier_id for group, name, modifier_id in rows}
    await session.execute(
        pg_insert(ModifierUnavailable).on_conflict_do_nothing(),
        [
            {"modifier_id": modifier_ids[(group, name)], "store_id": store_ids[store]}
            for group, name, store in wanted
        ],
    )


async def _seed_products(
    session: AsyncSession,
    data: DemoData,
    category_ids: dict[str, int],
    group_ids: dict[str, int],
    result: CatalogResult,
) -> dict[str, int]:
    ids = await _existing(session, Product.slug, [p.data.slug for p in data.products])
    translated = await _translated(session, ProductTranslation.product_id, list(ids.values()))
    added = []
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
        added.append(demo)
    await _seed_variants(session, added, ids, group_ids, result)
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
    """Set the demo quantities, per variant, in one statement; rows already at the demo value
    are left untouched. A product's only variant is its first active one (by position); a
    variant an admin deleted since is skipped."""
    variants = await session.execute(
        select(ProductVariant.product_id, ProductVariant.sku, ProductVariant.id)
        .where(
            ProductVariant.product_id.in_(product_ids.values()),
            ProductVariant.is_active,
        )
        .order_by(ProductVariant.position, ProductVariant.id)
    )
    variant_ids: dict[tuple[int, str], int] = {}
    for product_id, sku, variant_id in variants:
        variant_ids.setdefault((product_id, ""), variant_id)
        variant_ids[(product_id, sku)] = variant_id
    wanted = {
        (store_ids[store], variant_ids[key]): (key[0], quantity)
        for store, products in data.stock.items()
        for slug, quantities in products.items()
        for sku, quantity in quantities.items()
        if (key := (product_ids[slug], sku)) in variant_ids
    }
    rows = await session.execute(
        select(Stock.store_id, Stock.variant_id, Stock.quantity).where(
            Stock.store_id.in_(set(store_ids.values()))
        )
    )
    current = {(store, variant): quantity for store, variant, quantity in rows}
    result.stock_rows = len(wanted)
    changed = [
        {"store_id": store_id, "variant_id": variant_id, "product_id": product_id, "quantity": q}
        for (store_id, variant_id), (product_id, q) in wanted.items()
        if current.get((store_id, variant_id)) != q
    ]
    if changed:
        upsert = pg_insert(Stock)
        await session.execute(
            upsert.on_conflict_do_update(
                index_elements=[Stock.store_id, Stock.variant_id],
                set_={"quantity": upsert.excluded.quantity, "updated_at": func.now()},
            ),
            changed,
        )
    result.stock_changed = len(changed)


async def seed_catalog(session: AsyncSession, data: DemoData) -> CatalogResult:
    """Load the demo catalog into the session's transaction (the caller commits)."""
    result = CatalogResult()
    category_ids = await _seed_categories(session, data, result)
    group_ids, groups_added = await _seed_modifier_groups(session, data, result)
    product_ids = await _seed_products(session, data, category_ids, group_ids, result)
    await _seed_pictures(session, data, product_ids, result)
    store_ids = await _seed_stores(session, data, result)
    await _seed_out_at(session, groups_added, store_ids)
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
        f"{catalog.variants_added} more variants, {catalog.modifier_groups_added} modifier groups, "
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
