"""The panel's views. Every relationship a page shows is loaded up front (the models say
lazy="raise"), and edits are checked with the same schemas as the API before they are saved."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any, TypeVar

from markupsafe import Markup
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqladmin import ModelView
from sqladmin.authentication import get_current_user_id
from sqladmin.filters import AllUniqueStringValuesFilter, BooleanFilter, ForeignKeyFilter
from sqladmin.formatters import BASE_FORMATTERS
from sqlalchemy import Select, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_object_session
from sqlalchemy.orm import InstrumentedAttribute, Mapper
from starlette.exceptions import HTTPException
from starlette.requests import Request
from wtforms import SelectField

from app.auth import sessions
from app.auth.permissions import is_active_admin
from app.catalog import service as catalog_service
from app.catalog.schemas import CategoryCreate, ProductCreate
from app.core.db import unit_of_work
from app.core.errors import AppError
from app.core.redis import redis
from app.core.types import INT64_MAX
from app.models import (
    Account,
    Category,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductImage,
    Role,
    Stock,
    Store,
    Transaction,
    User,
)
from app.orders import service as orders_service
from app.stores.schemas import StockSet, StoreCreate
from app.users import service as users_service
from app.users.schemas import Username

DATE_FORMAT = "%Y-%m-%d %H:%M"


class AdminChangeRefused(ValueError):
    """Shown to the admin above the form (SQLAdmin renders the message with a 400)."""


def _label(name: str) -> str:
    """`size_bytes` -> "Size bytes", `store_id` -> "Store ID", `is_active` -> "Active"."""
    words = name.split("_")
    if words[0] == "is" and len(words) > 1:
        words = words[1:]
    text = " ".join("ID" if w == "id" else w for w in words)
    return text[:1].upper() + text[1:]


_INTEGRITY_MESSAGES = {
    "23505": "Another row already has this value; it must be unique.",
    "23503": "Other rows still refer to this one (or the one chosen does not exist).",
    "23001": "Other rows still refer to this one; change or delete those first.",
    "23514": "A value is out of its allowed range.",
    "23502": "A required value is missing.",
}


@contextmanager
def _integrity_as_message() -> Iterator[None]:
    """A constraint violation becomes a sentence for the admin, not SQL text."""
    try:
        yield
    except IntegrityError as exc:
        code = getattr(exc.orig, "sqlstate", None)
        message = _INTEGRITY_MESSAGES.get(code or "", "The change breaks a database rule.")
        raise AdminChangeRefused(message) from None


class SafeForeignKeyFilter(ForeignKeyFilter):
    """A foreign-key filter that ignores a non-numeric value instead of failing with a 500."""

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        if value not in (None, "", "__all") and not (
            str(value).isdigit() and int(value) <= INT64_MAX
        ):
            return query
        return await super().get_filtered_query(query, value, model)


class ShopModelView(ModelView):
    """Readable labels and dates everywhere; a malformed id in a URL is a 404, not a 500."""

    column_type_formatters = {
        **BASE_FORMATTERS,
        datetime: lambda value: value.strftime(DATE_FORMAT),
    }

    def __init__(self) -> None:
        mapper: Mapper[Any] = inspect(self.model)
        labels: dict[str | InstrumentedAttribute[Any], str] = {
            attr.key: _label(attr.key) for attr in mapper.attrs
        }
        labels.update(self._build_column_pairs(self.column_labels))
        # sqladmin types its options ClassVar, yet reads them from the view instance.
        self.column_labels = labels  # type: ignore[misc]
        super().__init__()

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        with _integrity_as_message():
            return await super().insert_model(request, data)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        with _integrity_as_message():
            return await super().update_model(request, pk, data)

    async def delete_model(self, request: Request, pk: Any) -> None:
        with _integrity_as_message():
            await super().delete_model(request, pk)

    def _stmt_by_identifier(self, identifier: str) -> Select[Any]:
        parts = identifier.split(";")
        if len(parts) != len(self.pk_columns) or not all(
            p.isdigit() and 0 < int(p) <= INT64_MAX for p in parts
        ):
            raise HTTPException(status_code=404)
        return super()._stmt_by_identifier(identifier)


Model = TypeVar("Model", bound=BaseModel)


def _validated(schema: type[Model], data: dict[str, Any]) -> Model:
    """Check form data against an API input schema; its messages become the form's error."""
    try:
        return schema.model_validate({k: v for k, v in data.items() if k in schema.model_fields})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}"
            for err in exc.errors()
        )
        raise AdminChangeRefused(problems) from None


def _related_id(value: Any) -> int | None:
    """A many-to-one select posts the related row's id as text."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return getattr(value, "id", None)


def _thumbnail(image: ProductImage, height: int = 48) -> Markup:
    return Markup('<img src="{}" alt="{}" style="max-height: {}px" loading="lazy">').format(
        image.url, image.alt_text or image.filename, height
    )


# --- accounts ------------------------------------------------------------------------------


async def _ensure_an_admin_remains(user: User) -> None:
    """The API's last-admin rule, in the panel's own transaction (its row locks are held
    until the panel commits the change)."""
    if not is_active_admin(user):
        return
    session = async_object_session(user)
    assert session is not None
    try:
        await users_service.ensure_an_admin_remains(session, user)
    except AppError as exc:
        raise AdminChangeRefused(exc.detail) from None


class UserAdmin(ShopModelView, model=User):
    name, name_plural = "User", "Users"
    icon = "fa-solid fa-user"
    category, category_icon = "Accounts", "fa-solid fa-users"

    # Accounts are created by registration (which hashes the password and sends the mail).
    can_create = False
    can_export = False
    page_size = 25

    column_list = [
        User.id,
        User.email,
        User.username,
        User.role,
        User.is_active,
        User.is_verified,
        User.created_at,
    ]
    # Never password_hash: the details list is explicit.
    column_details_list = [
        User.id,
        User.email,
        User.username,
        "full_name",
        "phone",
        "address",
        User.role,
        User.is_active,
        User.is_verified,
        User.verified_at,
        User.last_login_at,
        User.created_at,
        User.updated_at,
        User.deleted_at,
    ]
    column_searchable_list = [User.email, User.username]
    column_sortable_list = [
        User.id,
        User.email,
        User.username,
        User.is_active,
        User.is_verified,
        User.created_at,
    ]
    column_default_sort = [("created_at", True)]
    column_filters = [
        BooleanFilter(User.is_active, title="Active"),
        BooleanFilter(User.is_verified, title="Verified"),
        SafeForeignKeyFilter(User.role_id, Role.name, title="Role", parameter_name="role"),
    ]
    column_labels = {
        User.email: "E-mail",
        User.is_active: "Active",
        User.is_verified: "Verified",
        User.verified_at: "Verified at",
        User.last_login_at: "Last login",
        User.created_at: "Registered",
        User.updated_at: "Updated",
        "full_name": "Full name",
    }
    # There is no Role view to link to.
    non_link_related_fields = [User.role]
    form_columns = [User.username, User.role, User.is_active, User.is_verified]

    async def on_model_change(
        self, data: dict[str, Any], model: User, is_created: bool, request: Request
    ) -> None:
        if "username" in data:
            try:
                data["username"] = TypeAdapter(Username).validate_python(data["username"])
            except ValidationError:
                raise AdminChangeRefused(
                    "Username: 3 to 32 letters, digits, dots, dashes or underscores."
                ) from None
        request.state.role_before = model.role_id
        new_role = _related_id(data.get("role"))
        removes_powers = data.get("is_active") is False or (
            new_role is not None and new_role != model.role_id
        )
        if removes_powers and model.id == get_current_user_id(request):
            raise AdminChangeRefused("You cannot disable or demote yourself.")
        if removes_powers:
            await _ensure_an_admin_remains(model)

    async def after_model_change(
        self, data: dict[str, Any], model: User, is_created: bool, request: Request
    ) -> None:
        role_changed = getattr(request.state, "role_before", model.role_id) != model.role_id
        if not model.is_active or role_changed:
            # Disabled or given another role: every session ends now (API, panel, chat
            # sockets), as PATCH /users/{id} does.
            await sessions.end_all_sessions(redis, model.id)

    async def delete_model(self, request: Request, pk: Any) -> None:
        # The API's rules: anonymised, never removed, refused while money or orders are open.
        if int(pk) == get_current_user_id(request):
            raise AdminChangeRefused("You cannot delete yourself.")
        async with _as_admin(request) as (session, admin):
            await users_service.admin_delete(session, admin, int(pk))


# --- catalog -------------------------------------------------------------------------------


async def _category_cycle(session: AsyncSession, category_id: int, parent_id: int) -> bool:
    """Would putting `category_id` under `parent_id` make a loop? (parent is it or below it)"""
    start = select(Category.id, Category.parent_id).where(Category.id == parent_id)
    up = start.cte("chain", recursive=True)
    chain = up.union(
        select(Category.id, Category.parent_id).join(up, Category.id == up.c.parent_id)
    )
    ancestors = set((await session.scalars(select(chain.c.id))).all())
    return category_id in ancestors


class CategoryAdmin(ShopModelView, model=Category):
    name, name_plural = "Category", "Categories"
    icon = "fa-solid fa-folder-tree"
    category, category_icon = "Catalog", "fa-solid fa-store"

    column_list = [Category.id, Category.name, Category.slug, Category.parent, Category.created_at]
    column_details_list = [
        Category.id,
        Category.name,
        Category.slug,
        Category.description,
        Category.parent,
        Category.created_at,
        Category.updated_at,
    ]
    column_searchable_list = [Category.name, Category.slug]
    column_sortable_list = [Category.id, Category.name, Category.slug, Category.created_at]
    column_default_sort = [("name", False)]
    column_labels = {Category.parent: "Parent", Category.created_at: "Created"}
    form_columns = [Category.name, Category.slug, Category.description, Category.parent]

    async def on_model_change(
        self, data: dict[str, Any], model: Category, is_created: bool, request: Request
    ) -> None:
        parent_id = _related_id(data.get("parent"))
        clean = _validated(CategoryCreate, {**data, "parent_id": parent_id})
        data.update(name=clean.name, slug=clean.slug)
        if parent_id is not None and not is_created:
            async with unit_of_work() as session:
                if await _category_cycle(session, model.id, parent_id):
                    raise AdminChangeRefused("A category cannot be placed under itself.")


class ProductAdmin(ShopModelView, model=Product):
    name, name_plural = "Product", "Products"
    icon = "fa-solid fa-box"
    category, category_icon = "Catalog", "fa-solid fa-store"

    column_list = [
        Product.id,
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
        Product.images,
        Product.created_at,
        Product.updated_at,
    ]
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
    show_compact_lists = False
    column_formatters_detail = {
        # One thumbnail per image, each linking to the image's page.
        Product.images: lambda m, a: [_thumbnail(image, 96) for image in m.images],
    }
    # The search vector is computed by PostgreSQL; images come through the API's upload.
    form_excluded_columns = [
        Product.search_vector,
        Product.images,
        Product.created_at,
        Product.updated_at,
    ]

    async def on_model_change(
        self, data: dict[str, Any], model: Product, is_created: bool, request: Request
    ) -> None:
        clean = _validated(
            ProductCreate, {**data, "category_id": _related_id(data.get("category"))}
        )
        data.update(name=clean.name, slug=clean.slug, price=clean.price)
        data["attributes"] = clean.attributes

    async def on_model_delete(self, model: Product, request: Request) -> None:
        session = async_object_session(model)
        assert session is not None
        request.state.deleted_image_files = list(
            await session.scalars(
                select(ProductImage.filename).where(ProductImage.product_id == model.id)
            )
        )

    async def after_model_delete(self, model: Product, request: Request) -> None:
        # The rows went with the product (ON DELETE CASCADE); the files go once that committed.
        await catalog_service.remove_image_files(getattr(request.state, "deleted_image_files", []))


class ProductImageAdmin(ShopModelView, model=ProductImage):
    name, name_plural = "Product image", "Product images"
    icon = "fa-solid fa-image"
    category, category_icon = "Catalog", "fa-solid fa-store"

    # Read-only: uploads go through POST /products/{id}/images, which checks and re-encodes.
    can_create = False
    can_edit = False
    can_delete = False

    column_list = [
        ProductImage.id,
        "preview",
        ProductImage.product,
        ProductImage.filename,
        ProductImage.content_type,
        ProductImage.width,
        ProductImage.height,
        ProductImage.size_bytes,
        ProductImage.position,
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
    column_formatters = {"preview": lambda m, a: _thumbnail(m)}
    column_formatters_detail = {"preview": lambda m, a: _thumbnail(m, 240)}


# --- stores --------------------------------------------------------------------------------


class StoreAdmin(ShopModelView, model=Store):
    name, name_plural = "Store", "Stores"
    icon = "fa-solid fa-shop"
    category, category_icon = "Stores", "fa-solid fa-location-dot"

    column_list = [Store.id, Store.name, Store.city, Store.address, Store.timezone, Store.is_active]
    column_details_list = [
        Store.id,
        Store.name,
        Store.address,
        Store.city,
        Store.latitude,
        Store.longitude,
        Store.timezone,
        Store.opening_hours,
        Store.phone,
        Store.email,
        Store.is_active,
        Store.created_at,
        Store.updated_at,
    ]
    column_searchable_list = [Store.name, Store.city, Store.address]
    column_sortable_list = [Store.id, Store.name, Store.city, Store.is_active]
    column_default_sort = [("name", False)]
    column_filters = [BooleanFilter(Store.is_active, title="Active")]
    column_labels = {Store.is_active: "Active", Store.email: "E-mail"}
    form_excluded_columns = [Store.created_at, Store.updated_at]
    form_widget_args = {
        "opening_hours": {
            "class": "form-control",
            "placeholder": '{"mon": [["08:00", "18:00"]], "sun": []}',
            "rows": 6,
        }
    }

    async def on_model_change(
        self, data: dict[str, Any], model: Store, is_created: bool, request: Request
    ) -> None:
        payload = {**data, "email": data.get("email") or "", "phone": data.get("phone") or ""}
        payload["opening_hours"] = data.get("opening_hours") or {}
        clean = _validated(StoreCreate, payload)
        data.update(
            name=clean.name,
            timezone=clean.timezone,
            opening_hours=clean.opening_hours.model_dump(),
            email=str(clean.email),
            phone=clean.phone,
            city=clean.city,
        )


class StockAdmin(ShopModelView, model=Stock):
    name, name_plural = "Stock", "Stock"
    icon = "fa-solid fa-boxes-stacked"
    category, category_icon = "Stores", "fa-solid fa-location-dot"

    column_list = [Stock.store, Stock.product, Stock.quantity, Stock.updated_at]
    column_details_list = [Stock.store, Stock.product, Stock.quantity, Stock.updated_at]
    column_searchable_list = ["store.name", "product.name"]
    column_sortable_list = [Stock.quantity, Stock.updated_at]
    column_default_sort = [("store_id", False), ("product_id", False)]
    # By store only: a product filter would list the whole catalog in the sidebar; search
    # finds products by name.
    column_filters = [
        SafeForeignKeyFilter(Stock.store_id, Store.name, title="Store", parameter_name="store")
    ]
    column_labels = {Stock.updated_at: "Updated"}
    form_columns = [Stock.store, Stock.product, Stock.quantity]
    # Products are picked by typing (a catalog is too long for a plain select).
    form_ajax_refs = {"product": {"fields": ("name", "slug"), "order_by": "name", "limit": 20}}

    async def on_model_change(
        self, data: dict[str, Any], model: Stock, is_created: bool, request: Request
    ) -> None:
        data["quantity"] = _validated(StockSet, data).quantity


# --- orders and money ----------------------------------------------------------------------


@asynccontextmanager
async def _as_admin(request: Request) -> AsyncIterator[tuple[AsyncSession, User]]:
    """A unit of work for a service call made by the panel's admin; the service's refusal
    (AppError) becomes the message shown above the form."""
    async with unit_of_work() as session:
        admin = await users_service.by_id(session, get_current_user_id(request))
        if admin is None:
            raise HTTPException(status_code=404)
        try:
            yield session, admin
        except AppError as exc:
            raise AdminChangeRefused(exc.detail) from None


class OrderAdmin(ShopModelView, model=Order):
    """Orders are placed by checkout; here only the status changes, through the same service
    as PATCH /orders/{id} (history, stock back and refund on cancel, customer mails)."""

    name, name_plural = "Order", "Orders"
    icon = "fa-solid fa-receipt"
    category, category_icon = "Orders", "fa-solid fa-cart-shopping"

    can_create = False
    can_export = False
    page_size = 25

    column_list = [
        Order.id,
        Order.number,
        Order.status,
        Order.user,
        Order.store,
        Order.total,
        Order.created_at,
    ]
    column_details_list = [
        Order.id,
        Order.number,
        Order.status,
        Order.user,
        Order.store,
        Order.total,
        Order.currency,
        Order.items,
        Order.history,
        Order.created_at,
        Order.updated_at,
    ]
    column_searchable_list = [Order.number]
    column_sortable_list = [Order.id, Order.number, Order.status, Order.total, Order.created_at]
    column_default_sort = [("created_at", True)]
    column_filters = [
        AllUniqueStringValuesFilter(Order.status, title="Status"),
        SafeForeignKeyFilter(Order.store_id, Store.name, title="Store", parameter_name="store"),
    ]
    column_labels = {Order.user: "Customer", Order.created_at: "Placed", Order.history: "History"}
    non_link_related_fields = [Order.history]
    form_columns = [Order.status]
    form_overrides = {"status": SelectField}
    form_args = {"status": {"choices": [(s.value, s.value) for s in OrderStatus]}}

    # Deleted orders are hidden here as in the API.
    def list_query(self, request: Request) -> Select[Any]:
        return super().list_query(request).where(Order.deleted_at.is_(None))

    def count_query(self, request: Request) -> Select[Any]:
        return super().count_query(request).where(Order.deleted_at.is_(None))

    def _stmt_by_identifier(self, identifier: str) -> Select[Any]:
        return super()._stmt_by_identifier(identifier).where(Order.deleted_at.is_(None))

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        new_status = str(data.get("status", ""))
        async with _as_admin(request) as (session, admin):
            order = await session.scalar(self._stmt_by_identifier(pk))
            if order is None:
                raise HTTPException(status_code=404)
            if order.status == new_status:
                return order
            return await orders_service.change_status(session, admin, order.id, new_status)

    async def delete_model(self, request: Request, pk: Any) -> None:
        async with _as_admin(request) as (session, admin):
            await orders_service.delete_order(session, admin, int(pk))


class OrderItemAdmin(ShopModelView, model=OrderItem):
    name, name_plural = "Order item", "Order items"
    icon = "fa-solid fa-list"
    category, category_icon = "Orders", "fa-solid fa-cart-shopping"

    # Read-only: lines are written by checkout with the price of the moment.
    can_create = can_edit = can_delete = False

    column_list = [
        OrderItem.id,
        OrderItem.order,
        OrderItem.product_name,
        OrderItem.quantity,
        OrderItem.unit_price,
        "line_total",
    ]
    column_details_list = [*column_list, OrderItem.product_id]
    column_searchable_list = [OrderItem.product_name]
    column_sortable_list = [OrderItem.id, OrderItem.quantity, OrderItem.unit_price]
    column_default_sort = [("id", True)]
    column_labels = {"line_total": "Line total", OrderItem.product_name: "Product"}


class AccountAdmin(ShopModelView, model=Account):
    name, name_plural = "Account", "Accounts"
    icon = "fa-solid fa-wallet"
    category, category_icon = "Money", "fa-solid fa-coins"

    # Read-only: a balance changes only together with its ledger entry (webhook, pay, refund).
    can_create = can_edit = can_delete = False

    column_list = [Account.id, Account.user, Account.balance, Account.updated_at]
    column_details_list = [*column_list, Account.created_at]
    column_sortable_list = [Account.id, Account.balance, Account.updated_at]
    column_default_sort = [("id", False)]
    column_labels = {Account.user: "Owner", Account.updated_at: "Updated"}


class TransactionAdmin(ShopModelView, model=Transaction):
    name, name_plural = "Transaction", "Transactions"
    icon = "fa-solid fa-money-bill-transfer"
    category, category_icon = "Money", "fa-solid fa-coins"

    # The ledger is append-only.
    can_create = can_edit = can_delete = False

    column_list = [
        Transaction.id,
        Transaction.account,
        Transaction.kind,
        Transaction.amount,
        Transaction.order,
        Transaction.external_id,
        Transaction.created_at,
    ]
    column_details_list = column_list
    column_searchable_list = [Transaction.external_id]
    column_sortable_list = [Transaction.id, Transaction.amount, Transaction.created_at]
    column_default_sort = [("id", True)]
    column_filters = [
        AllUniqueStringValuesFilter(Transaction.kind, title="Kind"),
        SafeForeignKeyFilter(
            Transaction.account_id, Account.id, title="Account", parameter_name="account"
        ),
    ]
    column_labels = {Transaction.external_id: "Provider id", Transaction.created_at: "At"}


ADMIN_VIEWS: list[type[ShopModelView]] = [
    UserAdmin,
    CategoryAdmin,
    ProductAdmin,
    ProductImageAdmin,
    StoreAdmin,
    StockAdmin,
    OrderAdmin,
    OrderItemAdmin,
    AccountAdmin,
    TransactionAdmin,
]
