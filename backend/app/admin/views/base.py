"""What every view of the panel shares: labels, dates and money as people read them, a 404
for a malformed id, and the unit of work in which the panel acts for its staff member."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import structlog
from markupsafe import Markup
from sqladmin import ModelView
from sqladmin.authentication import get_current_user_id
from sqladmin.filters import ForeignKeyFilter
from sqladmin.flash import Flash
from sqladmin.formatters import BASE_FORMATTERS
from sqlalchemy import Select, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.audit import service as audit_service
from app.core.config import settings
from app.core.db import unit_of_work
from app.core.errors import AppError
from app.core.types import INT64_MAX
from app.models import User
from app.models.order import STATUS_WORDS
from app.users import service as users_service

DATE_FORMAT = "%Y-%m-%d %H:%M"
log = structlog.get_logger("app.admin")


class AdminChangeRefused(ValueError):
    """A change the shop's rules refuse: its message is shown above the form, and logged at
    INFO (app.admin.setup quiets SQLAdmin's ERROR for it)."""


def label(name: str) -> str:
    """`size_bytes` -> "Size bytes", `store_id` -> "Store ID", `is_active` -> "Active"."""
    words = name.split("_")
    if words[0] == "is" and len(words) > 1:
        words = words[1:]
    text = " ".join("ID" if w == "id" else w for w in words)
    return text[:1].upper() + text[1:]


def money(amount: Decimal | None, currency: str | None = None) -> Markup:
    """12.50 EUR, right-aligned in tables (the `money` class)."""
    if amount is None:
        return Markup("")
    return Markup('<span class="money">{} {}</span>').format(
        f"{amount:,.2f}", currency or settings.currency
    )


def money_of(attr: str, currency_attr: str | None = "currency") -> Callable[..., Markup]:
    return lambda m, a: money(
        getattr(m, attr), getattr(m, currency_attr, None) if currency_attr else None
    )


# An order's status and history in the storefront's English words (one table:
# app.models.order.STATUS_WORDS), so the panel, the mails and the shop say the same.
ORDER_STATUS_WORDS = {status.value: words for status, words in STATUS_WORDS.items()}
ORDER_EVENT_WORDS = {**ORDER_STATUS_WORDS, "pending": "Placed"}


def order_status(status: str | None) -> str:
    """`pending` -> "Awaiting payment"; an unknown code is shown as it is."""
    return ORDER_STATUS_WORDS.get(status or "", status or "")


def order_event(from_status: str | None, to_status: str) -> str:
    """A history row: "Placed", "Paid", "Cancelled (was Awaiting payment)"."""
    said = ORDER_EVENT_WORDS.get(to_status, to_status)
    if to_status == "cancelled" and from_status:
        return f"{said} (was {order_status(from_status)})"
    return said


def valid_pk(identifier: str, parts: int = 1) -> bool:
    values = identifier.split(";")
    return len(values) == parts and all(v.isdigit() and 0 < int(v) <= INT64_MAX for v in values)


class SafeForeignKeyFilter(ForeignKeyFilter):
    """A foreign-key filter that ignores a non-numeric value instead of failing with a 500."""

    async def get_filtered_query(self, query: Any, value: Any, model: Any) -> Any:
        if value not in (None, "", "__all") and not (
            str(value).isdigit() and int(value) <= INT64_MAX
        ):
            return query
        return await super().get_filtered_query(query, value, model)


class ShopModelView(ModelView):
    """Readable labels and dates, empty lists that say so, and a malformed id is a 404."""

    list_template = "shop/list.html"
    # A column's heading in the list when it says something else there than on the details
    # page (the audit log's `after` is the list's "Change"), by the column's name.
    list_labels: ClassVar[dict[str, str]] = {}
    column_type_formatters = {
        **BASE_FORMATTERS,
        datetime: lambda value: value.strftime(DATE_FORMAT),
    }

    def __init__(self) -> None:
        mapper: Any = inspect(self.model)
        labels: dict[Any, str] = {attr.key: label(attr.key) for attr in mapper.attrs}
        for column, text in self.column_labels.items():
            labels[column if isinstance(column, str) else column.key] = text
        self.column_labels = labels  # type: ignore[misc]  # sqladmin declares a ClassVar, reads the instance
        super().__init__()

    def _checked(self, request: Request) -> None:
        if not valid_pk(str(request.path_params.get("pk", "")), len(self.pk_columns)):
            raise HTTPException(status_code=404)

    def details_query(self, request: Request) -> Select[Any]:
        self._checked(request)
        return super().details_query(request)

    def form_edit_query(self, request: Request) -> Select[Any]:
        self._checked(request)
        return super().form_edit_query(request)

    async def confirmation(self, request: Request, **context: Any) -> Response:
        """The page that says what an action will do, with the button that does it (a POST:
        SQLAdmin's actions are GET links, and a change must pass the CSRF check)."""
        page: Response = await self.templates.TemplateResponse(
            request, "shop/confirm.html", {"model_view": self, **context}
        )
        return page

    def permitted_pk(self, request: Request, slug: str) -> int:
        """The row id of an action's POST, once the staff member may take the action."""
        if not self.has_permission(request, f"action:{slug}"):
            raise HTTPException(status_code=403)
        pk = str(request.path_params.get("pk", ""))
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        return int(pk)

    async def get_object_for_delete(self, value: Any) -> Any:
        if not valid_pk(str(value), len(self.pk_columns)):
            raise HTTPException(status_code=404)
        return await super().get_object_for_delete(value)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@asynccontextmanager
async def acting(request: Request) -> AsyncIterator[tuple[AsyncSession, User]]:
    """A unit of work in which the panel's staff member calls a service: their writes are
    audited, and the service's refusal (AppError) becomes the message shown to them."""
    async with unit_of_work() as session:
        staff = await users_service.by_id(session, get_current_user_id(request))
        if staff is None:
            raise HTTPException(status_code=404)
        audit_service.act_as(session, staff, ip=client_ip(request), source="panel")
        try:
            yield session, staff
        except AppError as exc:
            raise AdminChangeRefused(exc.detail or exc.title) from None


def _kept(request: Request) -> None:
    # SQLAdmin's flash appends to the list in the session in place, which Starlette does not
    # see as a change when a message is already waiting: assigning it again saves it.
    if "_messages" in request.session:
        request.session["_messages"] = list(request.session["_messages"])


def done(request: Request, message: str, title: str = "Done") -> None:
    """What an action did, said on the next page."""
    Flash.success(request, message, title=title)
    _kept(request)


def refused(request: Request, exc: Exception) -> None:
    """A refused delete or action: said on the next page, logged at INFO without a trace."""
    log.info("admin_change_refused", reason=str(exc), path=request.url.path)
    Flash.error(request, str(exc), title="Not done")
    _kept(request)
