"""The audit log, read-only: who changed what, when, from where, before and after."""

import json
from typing import Any

from markupsafe import Markup
from sqladmin.filters import AllUniqueStringValuesFilter

from app.admin.views.base import ShopModelView
from app.models import AuditEntry


def _values(values: dict[str, Any] | None) -> Markup:
    if not values:
        return Markup("")
    return Markup("<br>").join(
        Markup("<strong>{}</strong>: {}").format(
            key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        )
        for key, value in values.items()
    )


class AuditEntryAdmin(ShopModelView, model=AuditEntry):
    name, name_plural = "Audit entry", "Audit log"
    icon = "fa-solid fa-clipboard-list"
    category, category_icon = "People", "fa-solid fa-users"

    # Append-only: written by the writes themselves, never by hand.
    can_create = can_edit = can_delete = False
    page_size = 50

    column_list = [
        AuditEntry.at,
        AuditEntry.actor_name,
        AuditEntry.source,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.before,
        AuditEntry.after,
        AuditEntry.ip,
    ]
    column_details_list = [AuditEntry.id, *column_list]
    column_searchable_list = [AuditEntry.actor_name, AuditEntry.entity_id]
    column_sortable_list = [AuditEntry.at, AuditEntry.actor_name, AuditEntry.entity]
    column_default_sort = [("at", True)]
    column_filters = [
        AllUniqueStringValuesFilter(AuditEntry.entity, title="What"),
        AllUniqueStringValuesFilter(AuditEntry.action, title="Action"),
        AllUniqueStringValuesFilter(AuditEntry.source, title="Where"),
    ]
    column_labels = {
        AuditEntry.at: "When",
        AuditEntry.actor_name: "Who",
        AuditEntry.source: "Where",
        AuditEntry.entity: "What",
        AuditEntry.entity_id: "Row",
        AuditEntry.ip: "From address",
    }
    column_formatters = {
        AuditEntry.before: lambda m, a: _values(m.before),
        AuditEntry.after: lambda m, a: _values(m.after),
    }
    column_formatters_detail = column_formatters
