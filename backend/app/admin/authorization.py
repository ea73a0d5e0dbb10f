"""What each staff role may do in the panel (SQLAdmin's grants: (view identity, action)).

Admins may do everything. Support staff read orders and move them along, and read the
support conversations; they see no users, catalog, stores, money or audit log."""

from sqladmin.authorization import WILDCARD, GrantsAuthorizationBackend
from starlette.requests import Request

from app.models import RoleName

SUPPORT_GRANTS = frozenset(
    {
        ("order", "list"),
        ("order", "details"),
        ("order", "action:move"),
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
