"""The catalog: categories and products are written by the catalog service (slug from the
name, the slug conflict, the category tree's cycle check, images sniffed and re-encoded),
with the API's schemas checking each form field by field."""

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqladmin.filters import BooleanFilter
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from app.admin.forms import (
    DecimalCommaField,
    KeyValueField,
    TranslatedValuesField,
    attribute_text,
    language_name,
    schema_form,
)
from app.admin.forms_options import OrderedChoicesField
from app.admin.views.base import (
    AdminChangeRefused,
    SafeForeignKeyFilter,
    ShopModelView,
    acting,
    done,
    money,
    money_of,
    refused,
    valid_pk,
)
from app.admin.views.options import (
    group_choices,
    product_group_ids,
    product_options,
)
from app.catalog import service as catalog_service
from app.catalog.schemas import CategoryCreate, ImageUpdate, ProductCreate
from app.core.db import unit_of_work
from app.core.language import DEFAULT_LANGUAGE, TRANSLATED
from app.models import Category, Product, ProductImage

SLUG_HELP = "Made from the name when left empty; lower-case letters, digits and dashes."


def _id_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def thumbnail(image: ProductImage, height: int = 48) -> Markup:
    return Markup('<img src="{}" alt="{}" style="max-height: {}px" loading="lazy">').format(
        image.url, image.alt_text or "", height
    )


async def _category_choices() -> list[tuple[str, str]]:
    async with unit_of_work() as session:
        rows = await session.execute(select(Category.id, Category.name).order_by(Category.name))
    return [(str(cid), name) for cid, name in rows]


# --- translations: the other languages' fields beside the default's ------------------------

DEFAULT_NAME = language_name(DEFAULT_LANGUAGE)
TRANSLATION_HELP = "Left empty: shown in {} (a translation needs its name)."


def _translations_payload(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The form's fields of every other language (`name_ru`…) as the schema's `translations`:
    all of a language's fields empty removes its translation; a name is needed otherwise."""
    translations: dict[str, Any] = {}
    for code in TRANSLATED:
        given = {field: data.get(f"{field}_{code}") or _empty(field) for field in fields}
        translations[code] = given if any(given.values()) else None
    return translations


def _empty(field: str) -> Any:
    return {} if field == "attributes" else ""


def _translation_fields(labels: dict[str, type]) -> dict[str, Any]:
    """Form fields per other language: `name_ru` labelled "Name (Русский)" and so on."""
    fields: dict[str, Any] = {}
    for code in TRANSLATED:
        for field, kind in labels.items():
            label = f"{field.capitalize()} ({language_name(code)})"
            description = TRANSLATION_HELP.format(DEFAULT_NAME) if field == "name" else ""
            fields[f"{field}_{code}"] = kind(label, description=description)
    return fields


def _translation_errors(fields: tuple[str, ...]) -> dict[str, str]:
    """Where a translation's problems are shown: beside its field (the attribute table's, for
    its attribute values)."""
    return {
        f"translations.{code}.{field}": "attributes" if field == "attributes" else f"{field}_{code}"
        for code in TRANSLATED
        for field in fields
    }


def _translation_data(obj: Category | Product, fields: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for code in TRANSLATED:
        text = obj.translations.get(code)
        for field in fields:
            data[f"{field}_{code}"] = getattr(text, field) if text is not None else _empty(field)
    return data


# --- categories --------------------------------------------------------------------------

CATEGORY_TEXTS = ("name", "description")


def _category_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data.get("name") or "",
        "slug": data.get("slug") or None,
        "description": data.get("description") or "",
        "search_terms": data.get("search_terms") or "",
        "parent_id": _id_or_none(data.get("parent")),
        "translations": _translations_payload(data, CATEGORY_TEXTS),
    }


# The default language's field, then each other language's beside it.
CategoryForm: type = type(
    "CategoryForm",
    (
        schema_form(
            CategoryCreate,
            _category_payload,
            {"parent_id": "parent", **_translation_errors(CATEGORY_TEXTS)},
        ),
    ),
    {
        "name": StringField(f"Name ({DEFAULT_NAME})"),
        **_translation_fields({"name": StringField}),
        "slug": StringField("Slug", description=SLUG_HELP),
        "description": TextAreaField(f"Description ({DEFAULT_NAME})"),
        **_translation_fields({"description": TextAreaField}),
        "search_terms": StringField(
            "Search terms",
            description="Other words it is found by: synonyms, spellings (coffee beans)",
        ),
        "parent": SelectField("Parent", choices=[], validate_choice=False),
    },
)


class CategoryAdmin(ShopModelView, model=Category):
    name, name_plural = "Category", "Categories"
    icon = "fa-solid fa-folder-tree"
    category, category_icon = "Catalog", "fa-solid fa-store"

    column_list = [Category.name, Category.slug, Category.parent, Category.created_at]
    column_details_list = [
        Category.id,
        Category.name,
        Category.slug,
        Category.description,
        Category.search_terms,
        Category.parent,
        Category.created_at,
        Category.updated_at,
    ]
    column_searchable_list = [Category.name, Category.slug, Category.search_terms]
    column_sortable_list = [Category.id, Category.name, Category.slug, Category.created_at]
    column_default_sort = [("name", False)]
    column_labels = {Category.parent: "Parent", Category.created_at: "Created"}

    async def scaffold_form(self, rules: list[str] | None = None) -> type:
        choices = [("", "(top level)"), *await _category_choices()]
        return type(
            "CategoryChoicesForm",
            (CategoryForm,),
            {"parent": SelectField("Parent", choices=choices, validate_choice=False)},
        )

    def form_edit_query(self, request: Request) -> Select[Any]:
        return super().form_edit_query(request).options(selectinload(Category.translations))

    async def get_form_data_for_edit(self, obj: Category) -> dict[str, Any]:
        return {
            "name": obj.name,
            "slug": obj.slug,
            "description": obj.description,
            "search_terms": obj.search_terms,
            "parent": str(obj.parent_id) if obj.parent_id else "",
            **_translation_data(obj, CATEGORY_TEXTS),
        }

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        clean = CategoryCreate.model_validate(_category_payload(data))
        async with acting(request) as (session, _):
            return await catalog_service.create_category(session, clean)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        clean = CategoryCreate.model_validate(_category_payload(data))
        async with acting(request) as (session, _):
            return await catalog_service.update_category(session, int(pk), clean)

    async def delete_model(self, request: Request, pk: Any) -> None:
        try:
            async with acting(request) as (session, _):
                await catalog_service.delete_category(session, int(pk))
        except AdminChangeRefused as exc:
            refused(request, exc)


# --- products ----------------------------------------------------------------------------


PRODUCT_TEXTS = ("name", "description", "attributes")


def _product_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data.get("name") or "",
        "slug": data.get("slug") or None,
        "description": data.get("description") or "",
        "price": data.get("price"),
        "category_id": _id_or_none(data.get("category")),
        "is_active": bool(data.get("is_active")),
        "attributes": data.get("attributes") or {},
        "translations": _translations_payload(data, PRODUCT_TEXTS),
    }


class _ProductFields(
    schema_form(  # type: ignore[misc]
        ProductCreate,
        _product_payload,
        {"category_id": "category", **_translation_errors(PRODUCT_TEXTS)},
    )
):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The attribute table draws a value column per other language.
        self.attributes.translated = [self[f"attributes_{code}"] for code in TRANSLATED]


ProductForm: type = type(
    "ProductForm",
    (_ProductFields,),
    {
        "name": StringField(f"Name ({DEFAULT_NAME})"),
        **_translation_fields({"name": StringField}),
        "slug": StringField("Slug", description=SLUG_HELP),
        "description": TextAreaField(f"Description ({DEFAULT_NAME})"),
        **_translation_fields({"description": TextAreaField}),
        "price": DecimalCommaField(
            "Price",
            description="e.g. 12.90 or 12,90; with several variants, their lowest: set it on "
            "each variant",
        ),
        "category": SelectField("Category", choices=[], validate_choice=False),
        "is_active": BooleanField("Active", description="Untick to hide it from the shop."),
        "attributes": KeyValueField(
            "Attributes",
            description="e.g. Origin: Ethiopia; "
            + ", ".join(f"{language_name(code)}: Эфиопия" for code in TRANSLATED)
            + " in the column beside it",
            language=DEFAULT_LANGUAGE,
        ),
        **{
            f"attributes_{code}": TranslatedValuesField(
                f"Attributes ({language_name(code)})", of="attributes", language=code
            )
            for code in TRANSLATED
        },
    },
)


class ProductAdmin(ShopModelView, model=Product):
    name, name_plural = "Product", "Products"
    icon = "fa-solid fa-box"
    category, category_icon = "Catalog", "fa-solid fa-store"

    details_template = "shop/product_details.html"
    edit_template = "shop/product_edit.html"

    column_list = [
        Product.name,
        Product.slug,
        Product.category,
        Product.price,
        Product.is_active,
        Product.created_at,
    ]
    column_details_list = [
        Product.id,
        Product.name,
        Product.slug,
        Product.description,
        Product.category,
        Product.price,
        Product.is_active,
        Product.attributes,
        Product.created_at,
        Product.updated_at,
    ]
    # Searched as the storefront searches (search_query below), and by a part of the slug.
    column_searchable_list = [Product.name, Product.slug]
    column_sortable_list = [
        Product.id,
        Product.name,
        Product.slug,
        Product.price,
        Product.is_active,
        Product.created_at,
    ]
    column_default_sort = [("created_at", True)]
    column_filters = [
        BooleanFilter(Product.is_active, title="Active"),
        SafeForeignKeyFilter(
            Product.category_id, Category.name, title="Category", parameter_name="category"
        ),
    ]
    column_labels = {
        Product.is_active: "Active",
        Product.created_at: "Created",
        Product.updated_at: "Updated",
    }
    column_formatters = {Product.price: money_of("price", None)}
    column_formatters_detail = {
        Product.price: money_of("price", None),
        Product.attributes: lambda m, a: Markup("<br>").join(
            Markup("<strong>{}</strong>: {}").format(k, attribute_text(v))
            for k, v in (m.attributes or {}).items()
        ),
    }

    def search_placeholder(self) -> str:
        return "name, description, category, attributes, slug"

    def search_query(self, stmt: Select[Any], term: str) -> Select[Any]:
        """The storefront's search (typos, Russian words, categories), or a part of the slug."""
        term = term.replace("\x00", "").strip()[:200]
        if not term:
            return stmt
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return stmt.where(
            or_(
                catalog_service.product_search(term),
                Product.slug.ilike(f"%{escaped}%", escape="\\"),
            )
        )

    async def scaffold_form(self, rules: list[str] | None = None) -> type:
        choices = [("", "(choose)"), *await _category_choices()]
        return type(
            "ProductChoicesForm",
            (ProductForm,),
            {
                "category": SelectField("Category", choices=choices, validate_choice=False),
                "modifier_groups": OrderedChoicesField(
                    "Modifier groups",
                    choices=await group_choices(),
                    item_label="Modifier group",
                    description="The choices made with it (Milk, Extras), shown in this order.",
                ),
            },
        )

    def form_edit_query(self, request: Request) -> Select[Any]:
        return super().form_edit_query(request).options(selectinload(Product.translations))

    async def get_form_data_for_edit(self, obj: Product) -> dict[str, Any]:
        async with unit_of_work() as session:
            group_ids = await product_group_ids(session, obj.id)
        return {
            "modifier_groups": group_ids,
            "name": obj.name,
            "slug": obj.slug,
            "description": obj.description,
            "price": obj.price,
            "category": str(obj.category_id),
            "is_active": obj.is_active,
            "attributes": obj.attributes,
            **_translation_data(obj, PRODUCT_TEXTS),
        }

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        clean = ProductCreate.model_validate(_product_payload(data))
        async with acting(request) as (session, _):
            product = await catalog_service.create_product(session, clean)
            await catalog_service.set_product_groups(
                session, product.id, data.get("modifier_groups") or []
            )
            return product

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        clean = ProductCreate.model_validate(_product_payload(data))
        async with acting(request) as (session, _):
            product = await catalog_service.update_product(session, int(pk), clean)
            await catalog_service.set_product_groups(
                session, product.id, data.get("modifier_groups") or []
            )
            return product

    async def delete_model(self, request: Request, pk: Any) -> None:
        try:
            async with acting(request) as (session, _):
                await catalog_service.delete_product(session, int(pk))
        except AdminChangeRefused as exc:
            refused(request, exc)

    def details_query(self, request: Request) -> Select[Any]:
        return super().details_query(request).options(selectinload(Product.images))

    async def _images_context(self, request: Request) -> dict[str, Any]:
        pk = str(request.path_params.get("pk", ""))
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        async with unit_of_work() as session:
            images = (
                await session.scalars(
                    select(ProductImage)
                    .where(ProductImage.product_id == int(pk))
                    .order_by(ProductImage.position, ProductImage.id)
                )
            ).all()
            options = await product_options(session, int(pk))
        return {
            "images": images,
            "thumbnail": thumbnail,
            "product_pk": int(pk),
            "money": money,
            **options,
        }

    async def details_context(self, request: Request) -> dict[str, Any]:
        return await self._images_context(request)

    async def edit_context(self, request: Request) -> dict[str, Any]:
        return await self._images_context(request)

    # --- images, managed on the product's edit page ------------------------------------------

    def _to_edit(self, request: Request, pk: int) -> Response:
        url = request.url_for("admin:edit", identity=self.identity, pk=pk)
        return RedirectResponse(f"{url}#images", status_code=302)

    def _image_pk(self, request: Request) -> tuple[int, int]:
        if not self.has_permission(request, "edit"):
            raise HTTPException(status_code=403)
        pk, image = str(request.path_params["pk"]), str(request.path_params.get("image", "1"))
        if not valid_pk(pk) or not valid_pk(image):
            raise HTTPException(status_code=404)
        return int(pk), int(image)

    @expose("/images/{pk}", methods=["POST"])
    async def upload_image(self, request: Request) -> Response:
        pk, _ = self._image_pk(request)
        form = await request.form()
        upload, alt_text = form.get("file"), str(form.get("alt_text", "")).strip()[:200]
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise AdminChangeRefused("Choose an image file (JPEG, PNG or WEBP) first.")
            raw = await upload.read()
            # The API's path: size cap, type read from the bytes, decoded and re-encoded.
            async with acting(request) as (session, _):
                await catalog_service.add_image(session, pk, raw, alt_text=alt_text, position=None)
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            done(request, "The image was added.", title="Uploaded")
        return self._to_edit(request, pk)

    @expose("/images/{pk}/{image}/{op}", methods=["POST"])
    async def change_image(self, request: Request) -> Response:
        pk, image_id = self._image_pk(request)
        op = request.path_params["op"]
        form = await request.form()
        try:
            async with acting(request) as (session, _):
                if op == "alt":
                    alt = ImageUpdate.model_validate({"alt_text": str(form.get("alt_text", ""))})
                    await catalog_service.update_image(session, pk, image_id, alt)
                elif op in ("up", "down"):
                    await self._move_image(session, pk, image_id, -1 if op == "up" else 1)
                elif op == "delete":
                    await catalog_service.delete_image(session, pk, image_id)
                else:
                    raise HTTPException(status_code=404)
        except AdminChangeRefused as exc:
            refused(request, exc)
        except ValueError:
            refused(request, AdminChangeRefused("Alt text: at most 200 characters."))
        else:
            said = {"alt": "Alt text saved.", "delete": "The image was deleted."}
            done(request, said.get(op, "The order of the images changed."))
        return self._to_edit(request, pk)

    async def _move_image(self, session: Any, pk: int, image_id: int, step: int) -> None:
        product = await catalog_service.get_product(session, pk)
        order = [image.id for image in product.images]
        if image_id not in order:
            raise AdminChangeRefused("That image is not one of this product's.")
        i = order.index(image_id)
        j = min(max(i + step, 0), len(order) - 1)
        order[i], order[j] = order[j], order[i]
        for position, iid in enumerate(order):
            await catalog_service.update_image(
                session, pk, iid, ImageUpdate.model_validate({"position": position})
            )


class ProductImageAdmin(ShopModelView, model=ProductImage):
    name, name_plural = "Product image", "Product images"
    icon = "fa-solid fa-image"
    category, category_icon = "Catalog", "fa-solid fa-store"

    # Managed on the product's edit page (upload, alt text, order, delete).
    can_create = can_edit = can_delete = False

    column_list = [
        "preview",
        ProductImage.product,
        ProductImage.position,
        ProductImage.alt_text,
        ProductImage.width,
        ProductImage.height,
        ProductImage.size_bytes,
    ]
    column_details_list = [
        ProductImage.id,
        "preview",
        ProductImage.product,
        ProductImage.filename,
        ProductImage.content_type,
        ProductImage.width,
        ProductImage.height,
        ProductImage.size_bytes,
        ProductImage.position,
        ProductImage.alt_text,
        ProductImage.created_at,
    ]
    column_searchable_list = [ProductImage.filename, ProductImage.alt_text]
    column_sortable_list = [ProductImage.id, ProductImage.size_bytes, ProductImage.position]
    column_default_sort = [("id", True)]
    column_labels = {"preview": "Preview", ProductImage.size_bytes: "Bytes"}
    column_formatters = {"preview": lambda m, a: thumbnail(m)}
    column_formatters_detail = {"preview": lambda m, a: thumbnail(m, 240)}
