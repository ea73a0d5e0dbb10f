"""Stores and their stock, written by the stores service; opening hours as a form per day."""

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqladmin.authentication import get_current_user_id
from sqladmin.filters import BooleanFilter
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import BooleanField, StringField

from app.admin.forms import DAY_NAMES, DecimalCommaField, OpeningHoursField, schema_form
from app.admin.views.base import (
    AdminChangeRefused,
    SafeForeignKeyFilter,
    ShopModelView,
    acting,
    done,
    refused,
    valid_pk,
)
from app.core.db import unit_of_work
from app.models import (
    Modifier,
    ModifierGroup,
    ModifierUnavailable,
    RoleName,
    Stock,
    Store,
    StoreStaff,
)
from app.stores import service as stores_service
from app.stores.schemas import StockSet, StoreCreate


def _store_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data.get("name") or "",
        "address": data.get("address") or "",
        "city": data.get("city") or "",
        "latitude": data.get("latitude"),
        "longitude": data.get("longitude"),
        "timezone": data.get("timezone") or "UTC",
        "opening_hours": data.get("opening_hours") or {},
        "phone": data.get("phone") or "",
        "email": data.get("email") or "",
        "is_active": bool(data.get("is_active")),
        "pay_at_pickup": bool(data.get("pay_at_pickup")),
    }


class StoreForm(schema_form(StoreCreate, _store_payload)):  # type: ignore[misc]
    name = StringField("Name")
    address = StringField("Address")
    city = StringField("City")
    latitude = DecimalCommaField("Latitude", places=6, description="e.g. 54.3233")
    longitude = DecimalCommaField("Longitude", places=6, description="e.g. 10.1228")
    timezone = StringField("Timezone", description="e.g. Europe/Berlin")
    opening_hours = OpeningHoursField("Opening hours")
    phone = StringField("Phone")
    email = StringField("E-mail")
    is_active = BooleanField("Active", description="Untick to close the store for orders.")
    pay_at_pickup = BooleanField(
        "Pay at pickup",
        description="Untick when customers must pay by card or balance when they order.",
    )


def hours_text(hours: dict[str, Any]) -> Markup:
    rows = []
    for day, label in DAY_NAMES.items():
        intervals = hours.get(day) or []
        text = ", ".join(f"{a}-{b}" for a, b in intervals) if intervals else "closed"
        rows.append(Markup("<strong>{}</strong>: {}").format(label, text))
    return Markup("<br>").join(rows)


class StoreAdmin(ShopModelView, model=Store):
    name, name_plural = "Store", "Stores"
    icon = "fa-solid fa-shop"
    category, category_icon = "Stores", "fa-solid fa-location-dot"

    form = StoreForm
    details_template = "shop/store_details.html"
    column_list = [Store.name, Store.city, Store.address, Store.timezone, Store.is_active]
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
        Store.pay_at_pickup,
        Store.created_at,
        Store.updated_at,
    ]
    column_searchable_list = [Store.name, Store.city, Store.address]
    column_sortable_list = [Store.id, Store.name, Store.city, Store.is_active]
    column_default_sort = [("name", False)]
    column_filters = [BooleanFilter(Store.is_active, title="Active")]
    column_labels = {Store.is_active: "Active", Store.email: "E-mail"}
    column_formatters_detail = {Store.opening_hours: lambda m, a: hours_text(m.opening_hours)}

    async def get_form_data_for_edit(self, obj: Store) -> dict[str, Any]:
        return {
            name: getattr(obj, name)
            for name in (
                "name",
                "address",
                "city",
                "latitude",
                "longitude",
                "timezone",
                "opening_hours",
                "phone",
                "email",
                "is_active",
                "pay_at_pickup",
            )
        }

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        clean = StoreCreate.model_validate(_store_payload(data))
        async with acting(request) as (session, _):
            return await stores_service.create_store(session, clean)

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        clean = StoreCreate.model_validate(_store_payload(data))
        async with acting(request) as (session, _):
            return await stores_service.update_store(session, int(pk), clean)

    async def delete_model(self, request: Request, pk: Any) -> None:
        try:
            async with acting(request) as (session, _):
                await stores_service.delete_store(session, int(pk))
        except AdminChangeRefused as exc:
            refused(request, exc)

    # --- modifiers out at this store ("oat milk is out at Dock Street") ----------------------

    async def may_mark_modifiers(self, request: Request, store_id: int) -> bool:
        """Who may say what is out at a store: an admin, or a staff member who works there
        (store_staff); the stores service checks it again on every change."""
        if getattr(request.state, "staff_role", None) == RoleName.admin:
            return True
        if not self.has_permission(request, "action:modifiers"):
            return False
        async with unit_of_work() as session:
            works_there = await session.scalar(
                select(StoreStaff.user_id).where(
                    StoreStaff.store_id == store_id,
                    StoreStaff.user_id == int(get_current_user_id(request)),
                )
            )
        return works_there is not None

    async def details_context(self, request: Request) -> dict[str, Any]:
        pk = str(request.path_params.get("pk", ""))
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        async with unit_of_work() as session:
            groups = (
                await session.scalars(
                    select(ModifierGroup)
                    .options(selectinload(ModifierGroup.modifiers))
                    .order_by(ModifierGroup.name, ModifierGroup.id)
                )
            ).all()
            out = set(
                await session.scalars(
                    select(ModifierUnavailable.modifier_id).where(
                        ModifierUnavailable.store_id == int(pk)
                    )
                )
            )
        return {
            "modifier_groups": [
                (group, [m for m in group.modifiers if m.is_active or m.id in out])
                for group in groups
            ],
            "modifiers_out": out,
            "may_mark_modifiers": await self.may_mark_modifiers(request, int(pk)),
        }

    @expose("/modifiers/{pk}", methods=["POST"])
    async def mark_modifiers(self, request: Request) -> Response:
        """The checklist's answer: exactly the ticked modifiers are out at this store."""
        pk = self.permitted_pk(request, "modifiers")
        if not await self.may_mark_modifiers(request, pk):
            raise HTTPException(status_code=403)
        form = await request.form()
        wanted = {int(v) for v in form.getlist("out") if isinstance(v, str) and valid_pk(v)}
        try:
            async with acting(request) as (session, staff):
                store = await session.get(Store, pk)
                if store is None:
                    raise HTTPException(status_code=404)
                names = dict(
                    (
                        await session.execute(
                            select(Modifier.id, Modifier.name).where(Modifier.id.in_(wanted))
                        )
                    ).all()
                )
                if unknown := wanted - set(names):
                    raise AdminChangeRefused(
                        f"Modifier {min(unknown)} no longer exists: reload the page."
                    )
                out_before = set(
                    await session.scalars(
                        select(ModifierUnavailable.modifier_id).where(
                            ModifierUnavailable.store_id == pk
                        )
                    )
                )
                # The stores service's rule (admin, or this store's staff) for each change.
                for modifier_id in sorted(out_before ^ wanted):
                    await stores_service.set_modifier_available(
                        session, staff, pk, modifier_id, available=modifier_id not in wanted
                    )
                out_now = sorted(names[m] for m in wanted)
                store_name = store.name
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            said = ", ".join(out_now) if out_now else "nothing"
            done(request, f"Out at {store_name} now: {said}.", title="Saved")
        return RedirectResponse(
            f"{request.url_for('admin:details', identity=self.identity, pk=pk)}#modifiers-out",
            status_code=302,
        )


def _related_id(value: Any) -> int | None:
    """A many-to-one field posts the related row (or its id as text)."""
    if isinstance(value, str):
        return int(value) if value.isdigit() else None
    return getattr(value, "id", None)


class StockAdmin(ShopModelView, model=Stock):
    name, name_plural = "Stock", "Stock"
    icon = "fa-solid fa-boxes-stacked"
    category, category_icon = "Stores", "fa-solid fa-location-dot"

    # Stock is set (0 when none is left), never deleted: the stores service sets it.
    can_delete = False

    # A product sold in several variants has a row per variant (its page names them).
    column_list = [Stock.store, Stock.product, Stock.variant_id, Stock.quantity, Stock.updated_at]
    column_details_list = [
        Stock.store,
        Stock.product,
        Stock.variant_id,
        Stock.quantity,
        Stock.updated_at,
    ]
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
    form_base_class = schema_form(StockSet, lambda data: {"quantity": data.get("quantity")})

    async def _set(
        self, request: Request, store_id: int | None, product_id: int | None, data: dict[str, Any]
    ) -> Any:
        if store_id is None or product_id is None:
            raise AdminChangeRefused("Choose a store and a product.")
        quantity = StockSet.model_validate({"quantity": data.get("quantity")}).quantity
        async with acting(request) as (session, _):
            return await stores_service.set_stock(session, store_id, product_id, quantity)

    async def insert_model(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._set(
            request, _related_id(data.get("store")), _related_id(data.get("product")), data
        )

    async def update_model(self, request: Request, pk: str, data: dict[str, Any]) -> Any:
        store_id, variant_id = (int(p) for p in pk.split(";"))
        # The row is its store and variant (migration 0015): an edit sets that row's quantity.
        quantity = StockSet.model_validate({"quantity": data.get("quantity")}).quantity
        async with acting(request) as (session, _):
            stock = await session.get(Stock, (store_id, variant_id))
            if stock is None:
                raise AdminChangeRefused("That stock row no longer exists.")
            return await stores_service.set_stock(
                session, store_id, stock.product_id, quantity, variant_id=variant_id
            )
