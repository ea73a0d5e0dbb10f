"""What each staff role may do in the panel (SQLAdmin's grants: (view identity, action)).

Admins may do everything. Support staff read orders, and read the support conversations;
they see no users, catalog, stores, money or audit log. What anyone may do to an order
(move it, cancel it, refund it) is the permission table's (app.auth.permissions), which the
API reads too: the order page's actions are granted from it."""

from sqladmin.authorization import WILDCARD, GrantsAuthorizationBackend, custom_action
from starlette.requests import Request

from app.auth.permissions import order_actions
from app.models import RoleName

SUPPORT_GRANTS = frozenset(
    {
        ("order", "list"),
        ("order", "details"),
        *(("order", custom_action(action)) for action in order_actions(RoleName.support)),
        ("support-conversation", "list"),
        ("support-conversation", "details"),
    }
)


class RoleGrants(GrantsAuthorizationBackend):
    async def get_grants(self, request: Request) -> set[tuple[str, str]]:
        # Set by AdminAuth.authenticate from the user row read on this very request.
        role = getattr(request.state, "staff_role", None)
        if role == RoleName.admin:
            return {(WILDCARD, WILDCARD)}
        if role == RoleName.support:
            return set(SUPPORT_GRANTS)
        return set()
