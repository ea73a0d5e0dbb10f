"""Support conversations, for support staff and admins: read, with the customer and the
order they are about (answering happens in the live chat)."""

from typing import Any

from markupsafe import Markup
from sqladmin.filters import AllUniqueStringValuesFilter
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.admin.views.base import AdminChangeRefused, ShopModelView, acting, valid_pk
from app.admin.views.orders import customer_text
from app.models import RoleName, SupportConversation
from app.support import service as support_service
from app.users import service as users_service


def conversation_customer(conversation: SupportConversation) -> str:
    """Who wrote: the customer, or a guest by the contact on the order (needs both loaded)."""
    order = conversation.order
    if conversation.customer_id is None and order is not None and order.guest_name:
        return f"{order.guest_name} <{order.guest_email}> (guest)"
    return customer_text(conversation.customer)


class SupportConversationAdmin(ShopModelView, model=SupportConversation):
    name, name_plural = "Support conversation", "Support conversations"
    icon = "fa-solid fa-comments"
    category, category_icon = "Support", "fa-solid fa-headset"

    can_create = can_edit = can_delete = False
    details_template = "shop/conversation_details.html"

    column_list = [
        SupportConversation.id,
        SupportConversation.customer,
        SupportConversation.status,
        SupportConversation.order,
        SupportConversation.assigned_to,
        SupportConversation.updated_at,
    ]
    column_details_list = column_list
    column_sortable_list = [
        SupportConversation.id,
        SupportConversation.status,
        SupportConversation.updated_at,
    ]
    column_default_sort = [("updated_at", True)]
    column_filters = [AllUniqueStringValuesFilter(SupportConversation.status, title="Status")]
    column_labels = {
        SupportConversation.id: "Conversation",
        SupportConversation.assigned_to: "Assigned to",
        SupportConversation.updated_at: "Last activity",
    }
    column_formatters = {
        SupportConversation.customer: lambda m, a: conversation_customer(m),
        SupportConversation.assigned_to: lambda m, a: (
            customer_text(m.assigned_to) if m.assigned_to else "nobody"
        ),
        SupportConversation.order: lambda m, a: m.order.number if m.order else "",
    }
    column_formatters_detail = column_formatters
    # Support has no user pages to link to; the order links to its page.
    non_link_related_fields = [SupportConversation.customer, SupportConversation.assigned_to]

    def list_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .list_query(request)
            .options(
                selectinload(SupportConversation.customer),
                selectinload(SupportConversation.assigned_to),
                selectinload(SupportConversation.order),
            )
        )

    async def details_context(self, request: Request) -> dict[str, Any]:
        pk = str(request.path_params.get("pk", ""))
        if not valid_pk(pk):
            raise HTTPException(status_code=404)
        async with acting(request) as (session, staff):
            try:
                conversation, messages, has_more = await support_service.history(
                    session, staff, int(pk)
                )
            except AdminChangeRefused:
                raise HTTPException(status_code=404) from None
            assert conversation is not None
            customer = (
                await users_service.by_id(session, conversation.customer_id)
                if conversation.customer_id is not None
                else None
            )
            who = conversation_customer(conversation)
            authors = {}
            for message in messages:
                if message.author_id and message.author_id not in authors:
                    author = await users_service.by_id(session, message.author_id)
                    authors[message.author_id] = author.username if author else "(gone)"
        return {
            "customer": customer,
            "customer_text": who,
            "messages": [
                (
                    m,
                    authors.get(m.author_id or 0, "(gone)")
                    if m.from_staff
                    else ("guest" if m.author_id is None else "customer"),
                )
                for m in messages
            ],
            "has_more": has_more,
            "order_url": (
                request.url_for("admin:details", identity="order", pk=conversation.order_id)
                if conversation.order_id
                else None
            ),
            "customer_url": (
                request.url_for("admin:details", identity="user", pk=conversation.customer_id)
                if self._can_see_users(request) and conversation.customer_id is not None
                else None
            ),
            "nl2br": lambda text: Markup("<br>").join(str(text).splitlines()),
        }

    def _can_see_users(self, request: Request) -> bool:
        return getattr(request.state, "staff_role", None) == RoleName.admin
