"""A product's options in the panel (issue 24): its variants (sizes, formats) with their
stock per store, and modifier groups (milk, extras) with their modifiers edited on the
group's page.

The catalog API's own service for these writes is being written beside this; until the
panel calls it, the rules it keeps are kept here, in small functions, the same way: an SKU is
unique and never `P<digits>` (kept for products' default variants), a product keeps one
active variant at least, a group's min <= max, and a single-choice group chooses one at
most. Writes are audited (acting) and clear the catalog's read cache (app.catalog.counts)."""

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict
from sqladmin.filters import BooleanFilter
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from wtforms import BooleanField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from app.admin.forms import (
    DecimalCommaField,
    KeyValueField,
    attribute_text,
    language_name,
    schema_form,
)
from app.admin.forms_options import ModifierRow, ModifierRowsField, StockRowsField
from app.admin.views.base import (
    AdminChangeRefused,
    SafeForeignKeyFilter,
    ShopModelView,
    acting,
    money_of,
    refused,
    valid_pk,
)
from app.catalog.schemas import Attributes
from app.core.db import unit_of_work
from app.core.language import DEFAULT_LANGUAGE, TRANSLATED
from app.core.types import Money, TextLimits, WholeNumber
from app.models import (
    Modifier,
    ModifierGroup,
    ModifierGroupTranslation,
    ModifierKind,
    ModifierTranslation,
    ModifierUnavailable,
    Product,
    ProductModifierGroup,
    ProductVariant,
    ProductVariantTranslation,
    Stock,
    Store,
)

DEFAULT_NAME = language_name(DEFAULT_LANGUAGE)
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
# A new product's default variant is given the SKU P<its id> by the database (migration 0015).
RESERVED_SKU = re.compile(r"P\d+")
CHOICES_MAX = 100


# --- the rules (the catalog API keeps the same ones) ---------------------------------------


async def check_sku(
    session: AsyncSession, sku: str, *, variant_id: int | None = None, was: str | None = None
) -> None:
    """Unique, and not of the form P<digits> unless the variant had it already."""
    if sku != was and RESERVED_SKU.fullmatch(sku):
        raise AdminChangeRefused(
            f"The SKU {sku} has the form P and digits, kept for the variant every product gets "
            "by itself: choose another (e.g. FW-L)."
        )
    other = await session.scalar(
        select(ProductVariant.id).where(
            ProductVariant.sku == sku,
            ProductVariant.id != (variant_id or 0),
        )
    )
    if other is not None:
        raise AdminChangeRefused(f"The SKU {sku} is taken by another variant: choose another.")


async def lock_product(session: AsyncSession, product_id: int) -> Product:
    """The product, locked while its variants change (two admins never retire both of the
    last two variants at once)."""
    product = await session.scalar(
        select(Product).where(Product.id == product_id).with_for_update()
    )
    if product is None:
        raise AdminChangeRefused("That product no longer exists.")
    return product


async def keep_an_active_variant(session: AsyncSession, product_id: int, leaving: int) -> None:
    """Refused when `leaving` is the product's last active variant."""
    others = await session.scalar(
        select(func.count())
        .select_from(ProductVariant)
        .where(
            ProductVariant.product_id == product_id,
            ProductVariant.is_active,
            ProductVariant.id != leaving,
        )
    )
    if not others:
        raise AdminChangeRefused(
            "This is the product's last active variant: a product is sold as one variant at "
            "least. Add or activate another first, or hide the product itself."
        )


async def price_is_its_variants(session: AsyncSession, product_id: int, price: Any) -> None:
    """A product sold in several variants has no price of its own to set: it shows their
    lowest (the database keeps it so); a changed price is refused, saying where to set it."""
    product = await lock_product(session, product_id)
    if price == product.price:
        return
    names = (
        await session.scalars(
            select(ProductVariant.name)
            .where(ProductVariant.product_id == product_id, ProductVariant.is_active)
            .order_by(ProductVariant.position, ProductVariant.id)
        )
    ).all()
    if len(names) > 1:
        raise AdminChangeRefused(
            f"The price is per variant ({', '.join(n or '(unnamed)' for n in names)}): "
            "change it on the variant below; the product shows the lowest."
        )


def choice_range_problems(kind: str, min_choices: int, max_choices: int | None) -> list[str]:
    """What is wrong with a group's range of choices, in plain words (none: it is sane)."""
    problems = []
    if not 0 <= min_choices <= CHOICES_MAX:
        problems.append(f"Min: from 0 to {CHOICES_MAX}.")
    if max_choices is not None and not 1 <= max_choices <= CHOICES_MAX:
        problems.append(f"Max: from 1 to {CHOICES_MAX}, or empty for no limit.")
    if max_choices is not None and max_choices < min_choices:
        problems.append("Max is less than Min: a customer could never choose right.")
    if kind == ModifierKind.single and (min_choices > 1 or (max_choices or 1) != 1):
        problems.append(
            "A single choice group chooses one at most: Min 0 or 1, Max empty or 1 "
            "(choose Multiple choice for more)."
        )
    return problems


async def write_stock(
    session: AsyncSession, variant_id: int, product_id: int, wanted: dict[int, int]
) -> None:
    """The variant's units per store as given (stores left out keep what they have)."""
    if not wanted:
        return
    known = set((await session.scalars(select(Store.id).where(Store.id.in_(wanted)))).all())
    rows = {
        row.store_id: row
        for row in await session.scalars(
            select(Stock).where(Stock.variant_id == variant_id, Stock.store_id.in_(known))
        )
    }
    for store_id, quantity in wanted.items():
        if store_id not in known:
            continue
        if store_id in rows:
            rows[store_id].quantity = quantity
        else:
            session.add(
                Stock(
                    store_id=store_id,
                    variant_id=variant_id,
                    product_id=product_id,
                    quantity=quantity,
                )
            )


async def flushed(session: AsyncSession, what: str) -> None:
    """Flush; a uniqueness lost to a concurrent write is said, not a 500."""
    try:
        await session.flush()
    except IntegrityError:
        raise AdminChangeRefused(
            f"{what} changed meanwhile: reload the page and try again."
        ) from None


def _translated_names(owner: Any, names: dict[str, str], kind: type) -> None:
    """Set the other languages' names; an empty one removes that translation."""
    for code in TRANSLATED:
        text = (names.get(code) or "").strip()
        if not text:
            owner.translations.pop(code, None)
        elif code in owner.translations:
            owner.translations[code].name = text
        else:
            owner.translations[code] = kind(language=code, name=text)


# --- variants ------------------------------------------------------------------------------


class VariantInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Annotated[str, TextLimits(64, min_length=1, pattern=SKU_PATTERN)]
    name: Annotated[str, TextLimits(100)]
    translations: dict[str, Annotated[str, TextLimits(100)]]
    price: Money
    position: Annotated[int, WholeNumber(0, 10_000)]
    is_active: bool
    attributes: Attributes


def _variant_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "sku": (data.get("sku") or "").strip(),
        "name": data.get("name") or "",
        "translations": {code: data.get(f"name_{code}") or "" for code in TRANSLATED},
        "price": data.get("price"),
        "position": data.get("position") if data.get("position") is not None else 0,
        "is_active": bool(data.get("is_active")),
        "attributes": data.get("attributes") or {},
    }


VARIANT_HELP = "Letters, digits, dots, dashes; unique; not P and digits (e.g. FW-L, 978-0-14-1)"

VariantForm: type = type(
    "VariantForm",
    (
        schema_form(
            VariantInput,
            _variant_payload,
            {f"translations.{code}": f"name_{code}" for code in TRANSLATED},
        ),
    ),
    {
        "sku": StringField("SKU", description=VARIANT_HELP),
        "name": StringField(
            f"Name ({DEFAULT_NAME})",
            description="e.g. Large, Paperback; empty for a product's only variant",
        ),
        **{
            f"name_{code}": StringField(
                f"Name ({language_name(code)})",
                description=f"Left empty: shown in {DEFAULT_NAME}.",
            )
            for code in TRANSLATED
        },
        "price": DecimalCommaField("Price", description="e.g. 4.20 or 4,20"),
        "position": IntegerField(
            "Position", default=0, description="Smaller first (Small 0, Medium 1, Large 2)."
        ),
        "is_active": BooleanField(
            "Active", default=True, description="Untick to stop selling it; orders keep it."
        ),
        "attributes": KeyValueField("Attributes", description="e.g. Size: L; Format: paperback"),
    },
)


async def _store_choices() -> list[tuple[int, str]]:
    async with unit_of_work() as session:
        rows = await session.execute(select(Store.id, Store.name).order_by(Store.name, Store.id))
    return [(sid, name) for sid, name in rows]


def _product_of(request: Request, form: Any) -> int | None:
    raw = str(form.get("product", "")) if form is not None else ""
    raw = raw or request.query_params.get("product", "")
    return int(raw) if valid_pk(raw) else None


class ProductVariantAdmin(ShopModelView, model=ProductVariant):
    name, name_plural = "Variant", "Variants"
    icon = "fa-solid fa-layer-group"
    category, category_icon = "Catalog", "fa-solid fa-store"

    create_template = "shop/variant_create.html"
    edit_template = "shop/form_edit.html"

    column_list = [
        ProductVariant.product,
        ProductVariant.name,
        ProductVariant.sku,
        ProductVariant.price,
        ProductVariant.position,
        ProductVariant.is_active,
    ]
    column_details_list = [
        ProductVariant.id,
        ProductVariant.product,
        ProductVariant.sku,
        ProductVariant.name,
        ProductVariant.price,
        ProductVariant.attributes,
        ProductVariant.position,
        ProductVariant.is_active,
        ProductVariant.created_at,
        ProductVariant.updated_at,
    ]
    column_searchable_list = [ProductVariant.sku, ProductVariant.name, "product.name"]
    column_sortable_list = [ProductVariant.sku, ProductVariant.price, ProductVariant.position]
    column_default_sort = [("product_id", False), ("position", False), ("id", False)]
    column_filters = [
        BooleanFilter(ProductVariant.is_active, title="Active"),
        SafeForeignKeyFilter(
            ProductVariant.product_id, Product.name, title="Product", parameter_name="product"
        ),
    ]
    column_labels = {
        ProductVariant.sku: "SKU",
        ProductVariant.created_at: "Created",
        ProductVariant.updated_at: "Updated",
    }
    column_formatters = {ProductVariant.price: money_of("price", None)}
    column_formatters_detail = {
        ProductVariant.price: money_of("price", None),
        ProductVariant.attributes: lambda m, a: ", ".join(
            f"{k}: {attribute_text(v)}" for k, v in (m.attributes or {}).items()
        ),
    }

    def list_query(self, request: Request) -> Select[Any]:
        return super().list_query(request).options(selectinload(ProductVariant.product))

    def details_query(self, request: Request) -> Select[Any]:
        return super().details_query(request).options(selectinload(ProductVariant.product))

    async def scaffold_form(self, rules: list[str] | None = None) -> type:
        stores = await _store_choices()
        return type(
            "VariantStockForm",
            (VariantForm,),
            {"stock": StockRowsField("Stock per store", stores=stores)},
        )

    def form_edit_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .form_edit_query(request)
            .options(
                selectinload(ProductVariant.translations), selectinload(ProductVariant.product)
            )
        )

    async def create_context(self, request: Request) -> dict[str, Any]:
        form = await request.form() if request.method == "POST" else None
        product_id = _product_of(request, form)
        product = None
        if product_id is not None:
            async with unit_of_work() as session:
                product = await session.get(Product, product_id)
        return {"product": product}

    async def get_form_data_for_edit(self, obj: ProductVariant) -> dict[str, Any]:
        async with unit_of_work() as session:
            stock = dict(
                (
                    await session.execute(
                        select(Stock.store_id, Stock.quantity).where(Stock.variant_id == obj.id)
                    )
                ).all()
            )
        return {
            "sku": obj.sku,
            "name": obj.name,
            **{
                f"name_{code}": obj.translations[code].name if code in obj.translations else ""
                for code in TRANSLATED
            },
            "price": obj.price,
            "position": obj.position,
            "is_active": obj.is_active,
            "attributes": obj.attributes,
            "stock": stock,
        }

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        clean = VariantInput.model_validate(_variant_payload(data))
        product_id = _product_of(request, await request.form())
        if product_id is None:
            raise AdminChangeRefused("Open a product and add its variant from the product's page.")
        async with acting(request) as (session, _):
            await lock_product(session, product_id)
            await check_sku(session, clean.sku)
            variant = ProductVariant(
                product_id=product_id,
                sku=clean.sku,
                name=clean.name,
                price=clean.price,
                position=clean.position,
                is_active=clean.is_active,
                attributes=clean.attributes,
                translations={},
            )
            _translated_names(variant, clean.translations, ProductVariantTranslation)
            session.add(variant)
            await flushed(session, "The SKU")
            await write_stock(session, variant.id, product_id, data.get("stock") or {})
            await flushed(session, "The stock")
            return variant

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        clean = VariantInput.model_validate(_variant_payload(data))
        async with acting(request) as (session, _):
            variant = await session.scalar(
                select(ProductVariant)
                .where(ProductVariant.id == int(pk))
                .options(selectinload(ProductVariant.translations))
            )
            if variant is None:
                raise HTTPException(status_code=404)
            await lock_product(session, variant.product_id)
            await check_sku(session, clean.sku, variant_id=variant.id, was=variant.sku)
            if variant.is_active and not clean.is_active:
                await keep_an_active_variant(session, variant.product_id, variant.id)
            variant.sku, variant.name, variant.price = clean.sku, clean.name, clean.price
            variant.position, variant.is_active = clean.position, clean.is_active
            variant.attributes = clean.attributes
            _translated_names(variant, clean.translations, ProductVariantTranslation)
            await flushed(session, "The SKU")
            await write_stock(session, variant.id, variant.product_id, data.get("stock") or {})
            await flushed(session, "The stock")
            return variant

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Deleted with its stock; order lines keep its name as bought."""
        try:
            async with acting(request) as (session, _):
                variant = await session.get(ProductVariant, int(pk))
                if variant is None:
                    return
                await lock_product(session, variant.product_id)
                if variant.is_active:
                    await keep_an_active_variant(session, variant.product_id, variant.id)
                await session.delete(variant)
                await session.flush()
        except AdminChangeRefused as exc:
            refused(request, exc)


# --- modifier groups -----------------------------------------------------------------------

KIND_CHOICES = [
    (ModifierKind.single.value, "Single choice (one of them, e.g. Milk)"),
    (ModifierKind.multiple.value, "Multiple choice (several, e.g. Extras)"),
]


class _GroupFields(Form):
    name = StringField(f"Name ({DEFAULT_NAME})", description="e.g. Milk, Extras")
    kind = SelectField("Kind", choices=KIND_CHOICES, default=ModifierKind.single.value)
    required = BooleanField(
        "Required", description="The customer must choose (a single group takes its default)."
    )
    min_choices = IntegerField(
        "Min", default=0, validators=[Optional()], description="The fewest to choose."
    )
    max_choices = IntegerField(
        "Max", validators=[Optional()], description="The most to choose; empty: no limit."
    )
    modifiers = ModifierRowsField(
        "Modifiers",
        description="Price change: +0.40 as 0.40 (a discount as -0.20). Untick Active to stop "
        "offering one; Default: what a required single choice takes when none is chosen.",
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        name = (self.name.data or "").strip()
        if not name or len(name) > 100:
            self.name.errors = [*self.name.errors, "A name of 1 to 100 characters."]
            valid = False
        for code in TRANSLATED:
            other = self[f"name_{code}"]
            if len(other.data or "") > 100:
                other.errors = [*other.errors, "At most 100 characters."]
                valid = False
        if not self.min_choices.errors and not self.max_choices.errors:
            problems = choice_range_problems(
                self.kind.data or "", self.min_choices.data or 0, self.max_choices.data
            )
            if problems:
                self.max_choices.errors = [*self.max_choices.errors, *problems]
                valid = False
        rows: list[ModifierRow] = self.modifiers.data or []
        default = next((row for row in rows if row.is_default), None)
        if default is not None and not default.is_active:
            self.modifiers.errors = [
                *self.modifiers.errors,
                f"The default ({default.name}) is not active: activate it or choose another.",
            ]
            valid = False
        return valid


GroupForm: type = type(
    "GroupForm",
    (_GroupFields,),
    {
        f"name_{code}": StringField(
            f"Name ({language_name(code)})", description=f"Left empty: shown in {DEFAULT_NAME}."
        )
        for code in TRANSLATED
    },
)


def _group_names(data: dict[str, Any]) -> dict[str, str]:
    return {code: str(data.get(f"name_{code}") or "") for code in TRANSLATED}


async def _write_group(
    session: AsyncSession, group: ModifierGroup, data: dict[str, Any]
) -> ModifierGroup:
    group.name = str(data.get("name") or "").strip()
    group.kind = str(data.get("kind") or ModifierKind.single)
    group.required = bool(data.get("required"))
    group.min_choices = int(data.get("min_choices") or 0)
    group.max_choices = data.get("max_choices")
    problems = choice_range_problems(group.kind, group.min_choices, group.max_choices)
    if problems:
        raise AdminChangeRefused(" ".join(problems))
    _translated_names(group, _group_names(data), ModifierGroupTranslation)
    if group not in session:
        session.add(group)
    await flushed(session, "The group")
    existing = {modifier.id: modifier for modifier in group.modifiers}
    default_row: ModifierRow | None = None
    default_modifier: Modifier | None = None
    for row in data.get("modifiers") or []:
        if row.id is not None:
            modifier = existing.get(row.id)
            if modifier is None:
                raise AdminChangeRefused(f"{row.name} is not one of this group's modifiers.")
        else:
            modifier = Modifier(group_id=group.id, translations={})
            session.add(modifier)
        modifier.name, modifier.price_delta = row.name, row.price_delta
        modifier.position, modifier.is_active = row.position, row.is_active
        _translated_names(modifier, row.names, ModifierTranslation)
        if row.is_default:
            default_row, default_modifier = row, modifier
    await flushed(session, "The modifiers")
    group.default_modifier_id = default_modifier.id if default_modifier is not None else None
    if default_row is not None and not default_row.is_active:
        raise AdminChangeRefused("The default modifier must be active.")
    await flushed(session, "The group")
    return group


def _group_query() -> Select[Any]:
    return select(ModifierGroup).options(
        selectinload(ModifierGroup.translations),
        selectinload(ModifierGroup.modifiers).selectinload(Modifier.translations),
    )


class ModifierGroupAdmin(ShopModelView, model=ModifierGroup):
    name, name_plural = "Modifier group", "Modifier groups"
    icon = "fa-solid fa-list-check"
    category, category_icon = "Catalog", "fa-solid fa-store"

    form = GroupForm
    details_template = "shop/modifier_group_details.html"
    edit_template = "shop/form_edit.html"
    create_template = "shop/form_create.html"

    column_list = [
        ModifierGroup.name,
        ModifierGroup.kind,
        ModifierGroup.required,
        ModifierGroup.min_choices,
        ModifierGroup.max_choices,
    ]
    column_details_list = [
        ModifierGroup.id,
        ModifierGroup.name,
        ModifierGroup.kind,
        ModifierGroup.required,
        ModifierGroup.min_choices,
        ModifierGroup.max_choices,
    ]
    column_searchable_list = [ModifierGroup.name]
    column_sortable_list = [ModifierGroup.name, ModifierGroup.id]
    column_default_sort = [("name", False)]
    column_labels = {
        ModifierGroup.min_choices: "Min",
        ModifierGroup.max_choices: "Max",
    }
    column_formatters = {
        ModifierGroup.max_choices: lambda m, a: (
            "no limit" if m.max_choices is None else m.max_choices
        ),
    }
    column_formatters_detail = column_formatters

    def form_edit_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .form_edit_query(request)
            .options(
                selectinload(ModifierGroup.translations),
                selectinload(ModifierGroup.modifiers).selectinload(Modifier.translations),
            )
        )

    async def get_form_data_for_edit(self, obj: ModifierGroup) -> dict[str, Any]:
        return {
            "name": obj.name,
            **{
                f"name_{code}": obj.translations[code].name if code in obj.translations else ""
                for code in TRANSLATED
            },
            "kind": obj.kind,
            "required": obj.required,
            "min_choices": obj.min_choices,
            "max_choices": obj.max_choices,
            "modifiers": [
                ModifierRow(
                    id=m.id,
                    name=m.name,
                    names={code: t.name for code, t in m.translations.items()},
                    price_delta=m.price_delta,
                    position=m.position,
                    is_active=m.is_active,
                    is_default=m.id == obj.default_modifier_id,
                )
                for m in obj.modifiers
            ],
        }

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        async with acting(request) as (session, _):
            group = ModifierGroup(translations={})
            group.modifiers = []
            return await _write_group(session, group, data)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        async with acting(request) as (session, _):
            group = await session.scalar(
                _group_query().where(ModifierGroup.id == int(pk)).with_for_update()
            )
            if group is None:
                raise HTTPException(status_code=404)
            return await _write_group(session, group, data)

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Gone from every product that carried it; order lines keep what was bought."""
        async with acting(request) as (session, _):
            group = await session.get(ModifierGroup, int(pk))
            if group is not None:
                await session.delete(group)
                await session.flush()

    async def details_context(self, request: Request) -> dict[str, Any]:
        pk = str(request.path_params.get("pk", ""))
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        async with unit_of_work() as session:
            group = await session.scalar(_group_query().where(ModifierGroup.id == int(pk)))
            if group is None:
                raise HTTPException(status_code=404)
            products = (
                await session.execute(
                    select(Product.id, Product.name, ProductModifierGroup.position)
                    .join(ProductModifierGroup, ProductModifierGroup.product_id == Product.id)
                    .where(ProductModifierGroup.group_id == group.id)
                    .order_by(Product.name, Product.id)
                )
            ).all()
            out = (
                await session.execute(
                    select(ModifierUnavailable.modifier_id, Store.name)
                    .join(Store, Store.id == ModifierUnavailable.store_id)
                    .join(Modifier, Modifier.id == ModifierUnavailable.modifier_id)
                    .where(Modifier.group_id == group.id)
                    .order_by(Store.name)
                )
            ).all()
        out_at: dict[int, list[str]] = {}
        for modifier_id, store_name in out:
            out_at.setdefault(modifier_id, []).append(store_name)
        return {
            "group": group,
            "carried_by": products,
            "out_at": out_at,
            "languages": [(code, language_name(code)) for code in TRANSLATED],
            "default_name": DEFAULT_NAME,
        }


async def group_choices() -> list[tuple[str, str]]:
    """Every modifier group, for a product's form."""
    async with unit_of_work() as session:
        rows = await session.execute(
            select(ModifierGroup.id, ModifierGroup.name, ModifierGroup.kind).order_by(
                ModifierGroup.name, ModifierGroup.id
            )
        )
    return [(str(gid), f"{name} ({kind})") for gid, name, kind in rows]


async def product_group_ids(session: AsyncSession, product_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(ProductModifierGroup.group_id)
                .where(ProductModifierGroup.product_id == product_id)
                .order_by(ProductModifierGroup.position, ProductModifierGroup.group_id)
            )
        ).all()
    )


async def product_options(session: AsyncSession, product_id: int) -> dict[str, Any]:
    """What the product's page shows of its options: variants with stock per store, and
    its modifier groups in order."""
    variants = (
        await session.scalars(
            select(ProductVariant)
            .where(ProductVariant.product_id == product_id)
            .options(selectinload(ProductVariant.translations))
            .order_by(ProductVariant.position, ProductVariant.id)
        )
    ).all()
    stores = (await session.execute(select(Store.id, Store.name).order_by(Store.name))).all()
    stock = {
        (store_id, variant_id): quantity
        for store_id, variant_id, quantity in await session.execute(
            select(Stock.store_id, Stock.variant_id, Stock.quantity).where(
                Stock.product_id == product_id
            )
        )
    }
    groups = (
        await session.execute(
            select(ModifierGroup.id, ModifierGroup.name, ModifierGroup.kind)
            .join(ProductModifierGroup, ProductModifierGroup.group_id == ModifierGroup.id)
            .where(ProductModifierGroup.product_id == product_id)
            .order_by(ProductModifierGroup.position, ModifierGroup.id)
        )
    ).all()
    return {
        "variants": variants,
        "variant_stores": stores,
        "variant_stock": stock,
        "modifier_groups": groups,
        "languages": [(code, language_name(code)) for code in TRANSLATED],
    }
