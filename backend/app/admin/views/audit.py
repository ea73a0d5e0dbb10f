"""The audit log, read-only: who changed what, when, from where, before and after."""

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from sqladmin.filters import AllUniqueStringValuesFilter, StaticValuesFilter
from sqlalchemy import Select
from starlette.requests import Request

from app.admin.views.base import ShopModelView, label, order_status
from app.models import AuditEntry

ACTION_WORDS = {"create": "Created", "update": "Changed", "delete": "Deleted"}
SOURCE_WORDS = {"panel": "Admin panel", "api": "API"}
# A value longer than this is cut in the list (the entry's own page shows all of it).
LIST_VALUE_CHARS = 120


def _entity(entity: str) -> str:
    """`order_status_change` -> "Order status change"."""
    return label(entity)


class EntityFilter(AllUniqueStringValuesFilter):
    """The tables that have entries, named in words."""

    async def lookups(
        self, request: Request, model: Any, run_query: Callable[[Select[Any]], Any]
    ) -> list[tuple[str, str]]:
        found = await super().lookups(request, model, run_query)
        return [found[0], *((value, _entity(value)) for value, _ in found[1:])]


def _value(entity: str, key: str, value: Any, limit: int | None) -> str:
    if entity in ("order", "order_status_change") and key in ("status", "from_status", "to_status"):
        return order_status(value) if isinstance(value, str) else json.dumps(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _values(entry: AuditEntry, values: dict[str, Any] | None, limit: int | None) -> Markup:
    if not values:
        return Markup("")
    return Markup('<div class="audit-values">{}</div>').format(
        Markup("<br>").join(
            Markup("<strong>{}</strong>: {}").format(key, _value(entry.entity, key, value, limit))
            for key, value in values.items()
        )
    )


def _change(entry: AuditEntry) -> Markup:
    """The list's one column for what changed: `status: Awaiting payment → Paid` for an
    update, the values written or removed for a create or delete."""
    before, after = entry.before or {}, entry.after or {}
    if not (before and after):
        return _values(entry, after or before, LIST_VALUE_CHARS)
    lines = []
    for key in [*after, *(k for k in before if k not in after)]:
        old, new = (
            _value(entry.entity, key, side[key], LIST_VALUE_CHARS) if key in side else "—"
            for side in (before, after)
        )
        lines.append(Markup("<strong>{}</strong>: {} → {}").format(key, old, new))
    return Markup('<div class="audit-values">{}</div>').format(Markup("<br>").join(lines))


def _where(entry: AuditEntry) -> Markup:
    return Markup('<span class="text-wrap">{}</span><br><span class="text-muted">{}</span>').format(
        SOURCE_WORDS.get(entry.source, entry.source), entry.ip
    )


def _what(entry: AuditEntry) -> Markup:
    return Markup('<span class="text-wrap">{} {}</span>').format(
        _entity(entry.entity), entry.entity_id
    )


class AuditEntryAdmin(ShopModelView, model=AuditEntry):
    name, name_plural = "Audit entry", "Audit log"
    icon = "fa-solid fa-clipboard-list"
    category, category_icon = "People", "fa-solid fa-users"

    # Append-only: written by the writes themselves, never by hand.
    can_create = can_edit = can_delete = False
    page_size = 50

    # The list fits a laptop's screen: where with the address, what with its row, and the
    # change in one column; the entry's page shows each field and the full values.
    column_list = [
        AuditEntry.at,
        AuditEntry.actor_name,
        AuditEntry.source,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.after,
    ]
    column_details_list = [
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor_name,
        AuditEntry.source,
        AuditEntry.ip,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.before,
        AuditEntry.after,
    ]
    column_searchable_list = [AuditEntry.actor_name, AuditEntry.entity_id]
    column_sortable_list = [AuditEntry.at, AuditEntry.actor_name, AuditEntry.entity]
    column_default_sort = [("at", True)]
    column_filters = [
        EntityFilter(AuditEntry.entity, title="What"),
        StaticValuesFilter(AuditEntry.action, list(ACTION_WORDS.items()), title="Action"),
        StaticValuesFilter(AuditEntry.source, list(SOURCE_WORDS.items()), title="Where"),
    ]
    column_labels = {
        AuditEntry.at: "When",
        AuditEntry.actor_name: "Who",
        AuditEntry.source: "Where",
        AuditEntry.entity: "What",
        AuditEntry.entity_id: "Row",
        AuditEntry.ip: "From address",
    }
    list_labels = {"after": "Change"}
    column_formatters = {
        AuditEntry.source: lambda m, a: _where(m),
        AuditEntry.action: lambda m, a: ACTION_WORDS.get(m.action, m.action),
        AuditEntry.entity: lambda m, a: _what(m),
        AuditEntry.after: lambda m, a: _change(m),
    }
    column_formatters_detail = {
        AuditEntry.source: lambda m, a: SOURCE_WORDS.get(m.source, m.source),
        AuditEntry.action: lambda m, a: ACTION_WORDS.get(m.action, m.action),
        AuditEntry.entity: lambda m, a: _entity(m.entity),
        AuditEntry.before: lambda m, a: _values(m, m.before, None),
        AuditEntry.after: lambda m, a: _values(m, m.after, None),
    }
