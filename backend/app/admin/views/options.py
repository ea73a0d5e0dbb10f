"""A product's options in the panel (issue 24): its variants (sizes, formats) with their
stock per store, and modifier groups (milk, extras) with their modifiers edited on the
group's page.

The forms check their fields with the catalog API's schemas, and every write is the catalog's
or the stores' service (app.catalog.options, app.stores.service), so the rules are kept in
one place: an SKU is unique and never `P<digits>` (kept for products' default variants), a
product keeps one active variant at least, a group's choices add up. A service's refusal is
the message shown above the form (`acting`). Writes are audited and clear the catalog's read
cache (app.catalog.counts)."""

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqladmin.filters import BooleanFilter
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from app.admin.forms import (
    DecimalCommaField,
    KeyValueField,
    SchemaForm,
    attribute_text,
    language_name,
    plain_message,
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
from app.catalog import service as catalog_service
from app.catalog.schemas import (
    ModifierCreate,
    ModifierGroupCreate,
    SkuText,
    VariantCreate,
    VariantUpdate,
)
from app.core.db import unit_of_work
from app.core.language import DEFAULT_LANGUAGE, TRANSLATED
from app.models import (
    Modifier,
    ModifierGroup,
    ModifierKind,
    ModifierUnavailable,
    Product,
    ProductModifierGroup,
    ProductVariant,
    Stock,
    Store,
)
from app.stores import service as stores_service

DEFAULT_NAME = language_name(DEFAULT_LANGUAGE)
Model = TypeVar("Model", bound=BaseModel)


def checked(schema: type[Model], payload: dict[str, Any]) -> Model:
    """The payload as the API's schema takes it; its problems are the message shown."""
    try:
        return schema.model_validate(payload)
    except ValidationError as exc:
        raise AdminChangeRefused(
            " ".join(plain_message(str(e["loc"][0]), e) for e in exc.errors())
        ) from None


def _names(names: dict[str, str]) -> dict[str, dict[str, str] | None]:
    """The other languages' names as the API's `translations` (empty: removed)."""
    return {
        code: {"name": text} if (text := (names.get(code) or "").strip()) else None
        for code in TRANSLATED
    }


def _names_of(obj: Any) -> dict[str, str]:
    """A variant's or group's name and its other languages' names, as its form holds them."""
    return {
        "name": obj.name,
        **{
            f"name_{code}": obj.translations[code].name if code in obj.translations else ""
            for code in TRANSLATED
        },
    }


# --- variants ------------------------------------------------------------------------------


class _VariantFields(VariantCreate):
    """The variant form's check: the API's, but for the reserved SKU form, which is checked on
    save (a new SKU or a changed one), so a default variant keeps its own `P<digits>`."""

    sku: SkuText


def _variant_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "sku": (data.get("sku") or "").strip(),
        "name": data.get("name") or "",
        "translations": _names({code: data.get(f"name_{code}") or "" for code in TRANSLATED}),
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
            _VariantFields,
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
            **_names_of(obj),
            "price": obj.price,
            "position": obj.position,
            "is_active": obj.is_active,
            "attributes": obj.attributes,
            "stock": stock,
        }

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        product_id = _product_of(request, await request.form())
        if product_id is None:
            raise AdminChangeRefused("Open a product and add its variant from the product's page.")
        clean = checked(VariantCreate, _variant_payload(data))
        async with acting(request) as (session, _):
            variant = await catalog_service.create_variant(session, product_id, clean)
            await stores_service.set_variant_stock(session, variant.id, data.get("stock") or {})
            return variant

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        payload = _variant_payload(data)
        async with acting(request) as (session, _):
            variant = await catalog_service.get_variant(session, int(pk))
            if payload["sku"] == variant.sku:
                del payload["sku"]  # kept as it is, a default variant's P<digits> too
            clean = checked(VariantUpdate, payload)
            variant = await catalog_service.update_variant(session, variant.id, clean)
            await stores_service.set_variant_stock(session, variant.id, data.get("stock") or {})
            return variant

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Deleted with its stock; order lines keep its name as bought."""
        try:
            async with acting(request) as (session, _):
                await catalog_service.delete_variant(session, int(pk))
        except AdminChangeRefused as exc:
            refused(request, exc)


# --- modifier groups -----------------------------------------------------------------------

KIND_CHOICES = [
    (ModifierKind.single.value, "Single choice (one of them, e.g. Milk)"),
    (ModifierKind.multiple.value, "Multiple choice (several, e.g. Extras)"),
]


def _group_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": str(data.get("name") or "").strip(),
        "kind": str(data.get("kind") or ModifierKind.single),
        "required": bool(data.get("required")),
        "min_choices": data.get("min_choices") or 0,
        "max_choices": data.get("max_choices"),
        "translations": _names({code: data.get(f"name_{code}") or "" for code in TRANSLATED}),
    }


def _modifier_payload(row: ModifierRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "price_delta": row.price_delta,
        "position": row.position,
        "is_active": row.is_active,
        "translations": _names(row.names),
    }


class _GroupFields(SchemaForm):
    """Checked by ModifierGroupCreate (GroupForm), then by the service's rule of choices."""

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
        if not super().validate(extra_validators):
            return False
        problems = catalog_service.choice_problems(
            self.kind.data or "", self.min_choices.data or 0, self.max_choices.data
        )
        self.max_choices.errors = [*self.max_choices.errors, *problems]
        return not problems


GroupForm: type = type(
    "GroupForm",
    (
        _GroupFields,
        schema_form(
            ModifierGroupCreate,
            _group_payload,
            {f"translations.{code}": f"name_{code}" for code in TRANSLATED},
        ),
    ),
    {
        f"name_{code}": StringField(
            f"Name ({language_name(code)})", description=f"Left empty: shown in {DEFAULT_NAME}."
        )
        for code in TRANSLATED
    },
)


async def _write_group(request: Request, group_id: int | None, data: dict[str, Any]) -> Any:
    """The group and its modifier rows, written by the catalog's service in one go."""
    clean = checked(ModifierGroupCreate, _group_payload(data))
    rows: list[ModifierRow] = data.get("modifiers") or []
    modifiers = [(row.id, checked(ModifierCreate, _modifier_payload(row))) for row in rows]
    default = next((i for i, row in enumerate(rows) if row.is_default), None)
    async with acting(request) as (session, _):
        written = await catalog_service.write_group(session, group_id, clean, modifiers, default)
        return await session.get(ModifierGroup, written.id)


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
            **_names_of(obj),
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
        return await _write_group(request, None, data)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        return await _write_group(request, int(pk), data)

    async def delete_model(self, request: Request, pk: Any) -> None:
        """Gone from every product that carried it; order lines keep what was bought."""
        try:
            async with acting(request) as (session, _):
                await catalog_service.delete_group(session, int(pk))
        except AdminChangeRefused as exc:
            refused(request, exc)

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
