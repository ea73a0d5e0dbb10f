"""Orders at the counter: read, moved along their allowed next statuses, cancelled or
refunded after a confirmation that says what happens, exported as CSV for a date range.
Every change goes through the orders service, as PATCH /orders/{id} does."""

import csv
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from markupsafe import Markup
from pydantic import ValidationError
from sqladmin import action, expose
from sqladmin.filters import StaticValuesFilter
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.admin.views.base import (
    DATE_FORMAT,
    ORDER_STATUS_WORDS,
    AdminChangeRefused,
    SafeForeignKeyFilter,
    ShopModelView,
    acting,
    done,
    money,
    money_of,
    order_event,
    order_status,
    refused,
    valid_pk,
)
from app.auth.permissions import OrderAction, order_actions
from app.core.db import unit_of_work
from app.models import Order, OrderItem, OrderStatus, RefundMethod, Store, User
from app.orders import refunds as order_refunds
from app.orders import service as orders_service
from app.orders.errors import OrderActionForbidden
from app.orders.schemas import RefundCreate
from app.payments import service as payments_service
from app.stores import service as stores_service
from app.users import service as users_service

EXPORT_MAX_DAYS = 366
REFUND_METHOD_WORDS: dict[str, str] = {
    RefundMethod.balance: "To the balance",
    RefundMethod.card: "To the card",
    RefundMethod.counter: "At the counter",
}
# The status filter's value for what a store's board lists under New (the dashboard's
# "to prepare"): awaiting payment at pickup, or paid.
BOARD_NEW = "new"


class OrderStatusFilter(StaticValuesFilter):
    """The statuses in words, and the board's New column as one choice."""

    def __init__(self) -> None:
        super().__init__(
            Order.status,
            [(BOARD_NEW, "New (to prepare)"), *ORDER_STATUS_WORDS.items()],
            title="Status",
        )

    async def get_filtered_query(self, query: Any, value: Any, model: Any) -> Any:
        if value == BOARD_NEW:
            return query.where(Order.status.in_(orders_service.BOARD_NEW))
        return await super().get_filtered_query(query, value, model)


async def _paid_by(session: AsyncSession, order_id: int) -> str:
    """Where a line refund of the order sends the money, in words."""
    if await payments_service.order_card_payment(session, order_id) is not None:
        return "goes back to the customer's card through the payment provider"
    payment = await payments_service.order_payment(session, order_id)
    if payment is not None:
        return f"goes back to money account {payment.account_id}, which paid for it"
    return "is recorded as given back at the counter (paid there: hand the cash back)"


def modifiers_text(modifiers: list[dict[str, Any]] | None) -> str:
    """A line's modifiers as bought, by group: "Milk: Oat; Extras: Extra shot, Vanilla"."""
    groups: dict[str, list[str]] = {}
    for modifier in modifiers or []:
        groups.setdefault(str(modifier.get("group", "")), []).append(str(modifier.get("name")))
    return "; ".join(
        f"{group}: {', '.join(names)}" if group else ", ".join(names)
        for group, names in groups.items()
    )


def item_text(item: OrderItem) -> str:
    """A line as bought, for one cell: "2 x Flat white — Large (Milk: Oat; Extras: Extra shot)"."""
    name = f"{item.product_name} — {item.variant_name}" if item.variant_name else item.product_name
    options = modifiers_text(item.modifiers)
    return f"{item.quantity} x {name}" + (f" ({options})" if options else "")


def customer_text(user: User | None) -> str:
    if user is None:
        return "(account removed)"
    if user.deleted_at is not None:
        return f"(anonymised user {user.id})"
    return f"{user.full_name or user.username} <{user.email}>"


def customer_lines(user: User | None, order: Order | None = None) -> Markup:
    """The list's customer: the name, and the e-mail address on a line of its own (a guest's
    from the order's contact)."""
    guest = order.guest if order is not None else None
    if user is None and guest is not None:
        return Markup("{} (guest)<br>{}").format(guest.name, _email_line(guest.email))
    if user is None or user.deleted_at is not None:
        return Markup("{}").format(customer_text(user))
    return Markup("{}<br>{}").format(user.full_name or user.username, _email_line(user.email))


def _email_line(email: str) -> Markup:
    """An address under the name, cut with an ellipsis when long (whole on hover), so the
    list's other columns keep their width."""
    return Markup('<small class="text-muted customer-email" title="{}">{}</small>').format(
        email, email
    )


class OrderAdmin(ShopModelView, model=Order):
    name, name_plural = "Order", "Orders"
    icon = "fa-solid fa-receipt"
    category, category_icon = "Orders", "fa-solid fa-cart-shopping"

    # Placed by checkout; changed only by the moves, cancel and refund below.
    can_create = False
    can_edit = False
    can_delete = False
    can_export = False
    page_size = 25
    details_template = "shop/order_details.html"

    column_list = [
        Order.number,
        Order.status,
        Order.user,
        Order.store,
        Order.total,
        Order.created_at,
    ]
    column_details_list = [Order.number, Order.status, Order.store, Order.total]
    column_searchable_list = [Order.number]
    column_sortable_list = [Order.number, Order.status, Order.total, Order.created_at]
    column_default_sort = [("created_at", True)]
    column_filters = [
        OrderStatusFilter(),
        SafeForeignKeyFilter(Order.store_id, Store.name, title="Store", parameter_name="store"),
    ]
    column_labels = {Order.user: "Customer", Order.created_at: "Placed"}
    column_formatters = {
        Order.status: lambda m, a: order_status(m.status),
        Order.total: money_of("total"),
        # Name over e-mail address, store and date wrapped at their spaces: the list keeps
        # every column in view on a laptop's screen.
        Order.user: lambda m, a: customer_lines(m.user, m),
        Order.store: lambda m, a: Markup('<span class="text-wrap">{}</span>').format(m.store),
        Order.created_at: lambda m, a: Markup('<span class="text-wrap">{}</span>').format(
            m.created_at.strftime(DATE_FORMAT)
        ),
    }
    # Support staff see customers here, but have no user pages to follow a link to.
    non_link_related_fields = [Order.user]

    # Deleted orders are hidden here as in the API.
    def list_query(self, request: Request) -> Select[Any]:
        return super().list_query(request).where(Order.deleted_at.is_(None))

    def count_query(self, request: Request) -> Select[Any]:
        return super().count_query(request).where(Order.deleted_at.is_(None))

    def details_query(self, request: Request) -> Select[Any]:
        return super().details_query(request).where(Order.deleted_at.is_(None))

    async def list_context(self, request: Request) -> dict[str, Any]:
        async with unit_of_work() as session:
            stores = await stores_service.active_stores(session)
        presets = [
            (
                f"To prepare at {store.name}",
                str(
                    request.url_for("admin:list", identity=self.identity).include_query_params(
                        status=BOARD_NEW, store=store.id
                    )
                ),
            )
            for store in stores
        ]
        return {
            "presets": presets,
            "export_url": request.url_for("admin:view-order-export_range"),
            "today": date.today().isoformat(),
        }

    async def details_context(self, request: Request) -> dict[str, Any]:
        pk = str(request.path_params.get("pk", ""))
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        async with acting(request) as (session, staff):
            try:
                order = await orders_service.get_order(session, staff, int(pk))
            except AdminChangeRefused:
                raise HTTPException(status_code=404) from None
            customer = await users_service.by_id(session, order.user_id) if order.user_id else None
            actors = {}
            actor_ids = [c.changed_by_id for c in order.history]
            actor_ids += [r.created_by_id for r in order.refunds]
            for actor_id in actor_ids:
                if actor_id and actor_id not in actors:
                    actors[actor_id] = await users_service.by_id(session, actor_id)
            ledger_payment = await payments_service.order_payment(session, order.id)
            card_attempts = await payments_service.order_card_attempts(session, order.id)
        moves = [
            s for s in orders_service.next_statuses(order.status) if s != OrderStatus.cancelled
        ]
        # What the permission table lets this staff member do (as staff: in the panel
        # nobody acts as the order's customer).
        allowed = order_actions(getattr(request.state, "staff_role", None))
        may_refund_lines = (
            OrderAction.refund_line in allowed and order.status in order_refunds.REFUNDABLE
        )
        return {
            "order": order,
            "status": order_status(order.status),
            "customer": customer,
            "history": [
                (
                    change,
                    order_event(change.from_status, change.to_status),
                    actors.get(change.changed_by_id) if change.changed_by_id else None,
                )
                for change in order.history
            ],
            "lines": [
                (
                    item,
                    modifiers_text(item.modifiers),
                    money(item.unit_price, order.currency),
                    money(item.line_total, order.currency),
                    may_refund_lines and item.refunded_quantity < item.quantity,
                )
                for item in order.items
            ],
            "total": money(order.total, order.currency),
            "refunded_total": money(order.refunded_total, order.currency),
            "refunds": [
                (
                    refund,
                    refund.product_name or "The whole order (cancelled)",
                    money(refund.amount, order.currency),
                    REFUND_METHOD_WORDS.get(refund.method, refund.method),
                    actors.get(refund.created_by_id) if refund.created_by_id else None,
                )
                for refund in order.refunds
            ],
            "ledger_payment": (
                (ledger_payment, money(-ledger_payment.amount, order.currency))
                if ledger_payment is not None
                else None
            ),
            "card_attempts": [
                (attempt, money(attempt.amount, attempt.currency)) for attempt in card_attempts
            ],
            "moves": [(s, order_status(s)) for s in moves] if OrderAction.move in allowed else [],
            "can_cancel": order.status == OrderStatus.pending and OrderAction.cancel in allowed,
            "can_refund": order.status == OrderStatus.paid and OrderAction.refund in allowed,
            "can_hide": order.status in orders_service.DELETABLE
            and self.has_permission(request, "action:hide"),
        }

    # --- moving along ------------------------------------------------------------------------

    @expose("/move/{pk}", methods=["POST"])
    async def move(self, request: Request) -> Response:
        pk = self.permitted_pk(request, "move")
        form = await request.form()
        new = str(form.get("to", ""))
        try:
            if new == OrderStatus.cancelled:
                raise AdminChangeRefused("Cancel with Cancel… or Refund…, which say what happens.")
            async with acting(request) as (session, staff):
                order = await orders_service.change_status(session, staff, pk, new)
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            said = order_status(order.status).lower()
            done(request, f"Order {order.number} is {said} now.", title="Moved")
        return self._back_to(request, pk)

    # --- refunding a line ----------------------------------------------------------------------

    @expose("/refund-line/{pk}", methods=["GET", "POST"])
    async def refund_line(self, request: Request) -> Response:
        """GET: the form to refund one line or part of it (units, reason) with what happens;
        POST: the refund, through the orders service as POST /orders/{id}/refunds does. The
        form carries its own Idempotency-Key: sending it twice refunds once."""
        pk = self.permitted_pk(request, OrderAction.refund_line.value)
        form = await request.form() if request.method == "POST" else None
        source = form if form is not None else request.query_params
        raw_item = str(source.get("item", ""))
        if not valid_pk(raw_item):
            raise HTTPException(status_code=404)
        item_id = int(raw_item)
        if form is None:
            return await self._refund_line_form(request, pk, item_id)
        try:
            data = RefundCreate(
                item_id=item_id,
                quantity=int(str(form.get("quantity", ""))),
                reason=str(form.get("reason", "")),
            )
        except (ValueError, ValidationError):
            refused(request, AdminChangeRefused("Give the units (1 or more) and the reason."))
            return RedirectResponse(
                request.url_for("admin:view-order-refund_line", pk=pk).include_query_params(
                    item=item_id
                ),
                status_code=302,
            )
        key = str(form.get("key", ""))[:200] or uuid.uuid4().hex
        try:
            async with acting(request) as (session, staff):
                order = await order_refunds.refund_line(session, staff, pk, data, f"panel-{key}")
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            refund = next(r for r in reversed(order.refunds) if r.order_item_id == item_id)
            done(
                request,
                f"Refunded {refund.quantity} x {refund.product_name}, "
                f"{refund.amount:,.2f} {order.currency}.",
                title="Refunded",
            )
        return self._back_to(request, pk)

    async def _refund_line_form(self, request: Request, pk: int, item_id: int) -> Response:
        async with acting(request) as (session, staff):
            try:
                order = await orders_service.get_order(session, staff, pk)
            except AdminChangeRefused:
                raise HTTPException(status_code=404) from None
            paid_by = await _paid_by(session, order.id)
        item = next((i for i in order.items if i.id == item_id), None)
        if item is None:
            raise HTTPException(status_code=404)
        left = item.quantity - item.refunded_quantity
        problem = None
        if order.status not in order_refunds.REFUNDABLE:
            problem = (
                f"Order {order.number} is {order_status(order.status).lower()}: only a paid "
                "order has money to give back."
            )
        elif left < 1:
            problem = f"All {item.quantity} x {item.product_name} are refunded already."
        page: Response = await self.templates.TemplateResponse(
            request,
            "shop/refund_line.html",
            {
                "model_view": self,
                "title": f"Refund a line of order {order.number}",
                "order": order,
                "item": item,
                "left": left,
                "unit": money(item.unit_price, order.currency),
                "paid_by": paid_by,
                "store": order.store.name,
                "problem": problem,
                "key": uuid.uuid4().hex,
                "post_url": request.url_for("admin:view-order-refund_line", pk=order.id),
                "back_url": self._details_url(request, order.id),
            },
        )
        return page

    # --- cancel and refund ---------------------------------------------------------------------

    async def _cancellation(self, request: Request) -> orders_service.Cancellation:
        pk = request.query_params.get("pks", "")
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        try:
            async with acting(request) as (session, staff):
                return await orders_service.cancellation(session, staff, int(pk))
        except AdminChangeRefused:
            raise HTTPException(status_code=404) from None

    def _stock_facts(self, plan: orders_service.Cancellation) -> list[str]:
        if not plan.stock_back:
            return ["No stock goes back (the products no longer exist)."]
        lines = ", ".join(f"{qty} x {name}" for name, qty in plan.stock_back)
        return [f"Back to the stock of {plan.order.store.name}: {lines}."]

    @action("cancel", "Cancel…", add_in_list=False)
    async def cancel_page(self, request: Request) -> Response:
        plan = await self._cancellation(request)
        order = plan.order
        if order.status != OrderStatus.pending:
            problem = (
                f"Order {order.number} is paid: Refund… cancels it and returns the money."
                if order.status == OrderStatus.paid
                else f"Order {order.number} is {order_status(order.status).lower()}; only "
                "orders awaiting payment or paid can be cancelled."
            )
            return await self.confirmation(
                request,
                title=f"Cancel order {order.number}",
                problem=problem,
                back_url=self._details_url(request, order.id),
            )
        return await self.confirmation(
            request,
            title=f"Cancel order {order.number}?",
            facts=[
                "Nothing was paid, so nothing is refunded.",
                *self._stock_facts(plan),
                "The customer gets an e-mail that the order was cancelled.",
            ],
            post_url=request.url_for("admin:view-order-cancel", pk=order.id),
            button=f"Cancel order {order.number}",
            back_url=self._details_url(request, order.id),
        )

    @action("refund", "Refund…", add_in_list=False)
    async def refund_page(self, request: Request) -> Response:
        plan = await self._cancellation(request)
        order = plan.order
        if order.status != OrderStatus.paid or plan.refund is None:
            problem = (
                f"Order {order.number} was not paid: Cancel… cancels it."
                if order.status == OrderStatus.pending
                else f"Order {order.number} is {order_status(order.status).lower()}; only a "
                "paid order that is not being prepared yet can be refunded."
            )
            return await self.confirmation(
                request,
                title=f"Refund order {order.number}",
                problem=problem,
                back_url=self._details_url(request, order.id),
            )
        return await self.confirmation(
            request,
            title=f"Refund and cancel order {order.number}?",
            facts=[
                f"{plan.refund:,.2f} {order.currency} goes back to the customer's card "
                f"through {plan.refund_provider}, which took the payment."
                if plan.refund_provider is not None
                else f"{plan.refund:,.2f} {order.currency} was paid at the counter: hand it "
                "back there in cash; it is recorded as given back at the counter."
                if plan.refund_at_counter
                else f"{plan.refund:,.2f} {order.currency} goes back to money account "
                f"{plan.refund_account_id}, which paid for it.",
                *self._stock_facts(plan),
                "The order is cancelled and the customer gets an e-mail saying so.",
            ],
            post_url=request.url_for("admin:view-order-cancel", pk=order.id),
            button=f"Refund {plan.refund:,.2f} {order.currency}",
            back_url=self._details_url(request, order.id),
        )

    @expose("/cancel/{pk}", methods=["POST"])
    async def cancel(self, request: Request) -> Response:
        """Cancel (unpaid) or refund (paid): whichever it is, the permission table decides,
        and a refusal is the API's own 403 with its words."""
        raw_pk = str(request.path_params.get("pk", ""))
        if not valid_pk(raw_pk):
            raise HTTPException(status_code=404)
        pk = int(raw_pk)
        try:
            async with acting(request) as (session, staff):
                before = await orders_service.cancellation(session, staff, pk)
                try:
                    orders_service.ensure_may(
                        staff, before.order, orders_service.cancel_action(before.order.status)
                    )
                except OrderActionForbidden as exc:
                    raise HTTPException(status_code=403, detail=exc.detail) from None
                order = await orders_service.change_status(
                    session, staff, pk, OrderStatus.cancelled
                )
        except AdminChangeRefused as exc:
            refused(request, exc)
        else:
            said = f"Order {order.number} is cancelled"
            if before.refund is not None:
                said += f"; {before.refund:,.2f} {order.currency} refunded"
            done(request, said + ".", title="Cancelled")
        return self._back_to(request, pk)

    # --- hiding finished orders ----------------------------------------------------------------

    @action("hide", "Delete…", add_in_list=False)
    async def hide_page(self, request: Request) -> Response:
        plan = await self._cancellation(request)
        order = plan.order
        return await self.confirmation(
            request,
            title=f"Delete order {order.number}?",
            facts=[
                "It disappears from the lists here and in the customer's history.",
                "The ledger keeps its payments and refunds.",
                "Only completed or cancelled orders can be deleted.",
            ],
            post_url=request.url_for("admin:view-order-hide", pk=order.id),
            button=f"Delete order {order.number}",
            back_url=self._details_url(request, order.id),
        )

    @expose("/hide/{pk}", methods=["POST"])
    async def hide(self, request: Request) -> Response:
        pk = self.permitted_pk(request, "hide")
        try:
            async with acting(request) as (session, staff):
                await orders_service.delete_order(session, staff, pk)
        except AdminChangeRefused as exc:
            refused(request, exc)
            return self._back_to(request, pk)
        done(request, "The order was deleted.", title="Deleted")
        return RedirectResponse(
            request.url_for("admin:list", identity=self.identity), status_code=302
        )

    # --- export --------------------------------------------------------------------------------

    @expose("/export-range", methods=["GET"])
    async def export_range(self, request: Request) -> Response:
        if not self.has_permission(request, "list"):
            raise HTTPException(status_code=403)
        try:
            first = date.fromisoformat(request.query_params.get("from", ""))
            last = date.fromisoformat(request.query_params.get("to", ""))
        except ValueError:
            raise HTTPException(400, "Give both dates as YYYY-MM-DD.") from None
        if last < first or (last - first).days >= EXPORT_MAX_DAYS:
            raise HTTPException(400, f"From a date to a later one, {EXPORT_MAX_DAYS} days at most.")
        start = datetime.combine(first, time.min, UTC)
        end = datetime.combine(last + timedelta(days=1), time.min, UTC)
        async with unit_of_work() as session:
            orders = (
                await session.scalars(
                    select(Order)
                    .where(
                        Order.deleted_at.is_(None),
                        Order.created_at >= start,
                        Order.created_at < end,
                    )
                    .options(
                        selectinload(Order.user),
                        selectinload(Order.store),
                        selectinload(Order.items),
                    )
                    .order_by(Order.created_at, Order.id)
                )
            ).all()
        by_line = request.query_params.get("by") == "line"
        out = io.StringIO()
        writer = csv.writer(out)
        head_columns = ["number", "placed_at_utc", "status", "store", "customer", "email", "phone"]
        line_columns = ["product", "variant", "modifiers", "quantity", "unit_price", "line_total"]
        writer.writerow(
            [*head_columns, *(line_columns if by_line else ["items"]), "total", "currency"]
        )
        for order in orders:
            user = order.user if order.user and order.user.deleted_at is None else None
            guest = order.guest if order.user is None else None
            head = [
                order.number,
                order.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                order.status,
                order.store.name,
                (user.full_name or user.username) if user else guest.name if guest else "",
                user.email if user else guest.email if guest else "",
                user.phone if user else guest.phone if guest else "",
            ]
            tail = [f"{order.total:.2f}", order.currency]
            if not by_line:
                # One row per order (the export of before), its lines as bought in `items`.
                writer.writerow([*head, "\n".join(map(item_text, order.items)), *tail])
                continue
            # One row per line, as bought (the order's columns repeated on each).
            for item in order.items:
                writer.writerow(
                    [
                        *head,
                        item.product_name,
                        item.variant_name,
                        modifiers_text(item.modifiers),
                        item.quantity,
                        f"{item.unit_price:.2f}",
                        f"{item.line_total:.2f}",
                        *tail,
                    ]
                )
            if not order.items:
                writer.writerow([*head, "", "", "", "", "", "", *tail])
        name = "order-lines" if by_line else "orders"
        filename = f"{name}-{first.isoformat()}-to-{last.isoformat()}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def _details_url(self, request: Request, pk: int) -> Any:
        return request.url_for("admin:details", identity=self.identity, pk=pk)

    def _back_to(self, request: Request, pk: int) -> Response:
        return RedirectResponse(self._details_url(request, pk), status_code=302)


class OrderItemAdmin(ShopModelView, model=OrderItem):
    name, name_plural = "Order line", "Order lines"
    icon = "fa-solid fa-list"
    category, category_icon = "Orders", "fa-solid fa-cart-shopping"

    # Read-only: lines are written by checkout with the price of the moment.
    can_create = can_edit = can_delete = False

    column_list = [
        OrderItem.order,
        OrderItem.product_name,
        OrderItem.variant_name,
        OrderItem.modifiers,
        OrderItem.quantity,
        OrderItem.unit_price,
        "line_total",
    ]
    column_details_list = [*column_list, OrderItem.product_id]
    column_searchable_list = [OrderItem.product_name]
    column_sortable_list = [OrderItem.id, OrderItem.quantity, OrderItem.unit_price]
    column_default_sort = [("id", True)]
    column_labels = {
        "line_total": "Line total",
        OrderItem.product_name: "Product",
        OrderItem.variant_name: "Variant",
    }
    column_formatters = {
        OrderItem.modifiers: lambda m, a: modifiers_text(m.modifiers),
        OrderItem.unit_price: money_of("unit_price", None),
        "line_total": money_of("line_total", None),
    }
    column_formatters_detail = column_formatters
