"""What each staff role may do in the panel (SQLAdmin's grants: (view identity, action)).

Admins may do everything. Support staff read orders, and read the support conversations;
they see no users, catalog, money or audit log, and no stores unless they work at one
(store_staff): then the stores' pages, to mark what is out at theirs. What anyone may do
to an order (move it, cancel it, refund it) is the permission table's
(app.auth.permissions), which the API reads too: the order page's actions are granted from
it."""

from sqladmin.authentication import get_current_user_id
from sqladmin.authorization import WILDCARD, GrantsAuthorizationBackend, custom_action
from sqlalchemy import select
from starlette.requests import Request

from app.auth.permissions import order_actions
from app.core.db import unit_of_work
from app.models import RoleName, StoreStaff

SUPPORT_GRANTS = frozenset(
    {
        ("order", "list"),
        ("order", "details"),
        *(("order", custom_action(action)) for action in order_actions(RoleName.support)),
        ("support-conversation", "list"),
        ("support-conversation", "details"),
    }
)
# A support staff member who works at a store (store_staff) also sees the stores' pages, to
# mark what is out at theirs; that it is theirs is the stores service's check.
STORE_STAFF_GRANTS = frozenset(
    {("store", "list"), ("store", "details"), ("store", custom_action("modifiers"))}
)


class RoleGrants(GrantsAuthorizationBackend):
    async def get_grants(self, request: Request) -> set[tuple[str, str]]:
        # Set by AdminAuth.authenticate from the user row read on this very request.
        role = getattr(request.state, "staff_role", None)
        if role == RoleName.admin:
            return {(WILDCARD, WILDCARD)}
        if role == RoleName.support:
            if await _works_at_a_store(request):
                return set(SUPPORT_GRANTS | STORE_STAFF_GRANTS)
            return set(SUPPORT_GRANTS)
        return set()


async def _works_at_a_store(request: Request) -> bool:
    user_id = get_current_user_id(request)
    if user_id is None:
        return False
    async with unit_of_work() as session:
        found = await session.scalar(
            select(StoreStaff.store_id).where(StoreStaff.user_id == int(user_id)).limit(1)
        )
    return found is not None
