"""Who may do what, by role: the one place the role predicates live.

The API's guards (app.auth.dependencies), the services that widen what staff see, and the
admin panel all ask here, and the table of what each role may do to an order lives here."""

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from app.models import RoleName, User

STAFF_ROLES = frozenset({RoleName.support, RoleName.admin})


def has_role(user: User | None, *roles: RoleName) -> bool:
    return user is not None and user.role.name in roles


def is_admin(user: User | None) -> bool:
    return has_role(user, RoleName.admin)


def is_staff(user: User | None) -> bool:
    """Support or admin: the shop's people, who answer chats and serve orders."""
    return has_role(user, *STAFF_ROLES)


def is_active_admin(user: User | None) -> bool:
    """An admin whose account is enabled: who may enter the admin panel, and who counts
    towards the last active admin that must remain."""
    return user is not None and user.is_active and is_admin(user)


# --- what may be done to an order --------------------------------------------------------------


class OrderAction(enum.StrEnum):
    """What can be done to an order. The values are the admin panel's action slugs."""

    move = "move"  # along pending → paid → preparing → ready → completed
    cancel = "cancel"  # cancel an unpaid (pending) order: its stock returns, no money moves
    refund = "refund"  # cancel a paid order: its stock returns and its payment goes back
    refund_line = "refund_line"  # refund one line or part of it (to come)


OWNER: Final = "owner"
"""The order's own customer, whatever their role: a relation, not a role."""

# The one table of who may do what to an order, read by the API (app.orders.service) and
# the admin panel (app.admin.authorization, app.admin.views.orders) alike. Money decisions
# stay with admins; a customer may cancel their own order while it is pending or paid (a
# payment goes back to the account it came from).
ORDER_PERMISSIONS: Final[Mapping[str, frozenset[OrderAction]]] = MappingProxyType(
    {
        OWNER: frozenset({OrderAction.cancel, OrderAction.refund}),
        RoleName.customer: frozenset(),
        RoleName.support: frozenset({OrderAction.move, OrderAction.cancel}),
        RoleName.admin: frozenset(OrderAction),
    }
)

# What a refused action is told, in the API's 403 and on the panel's page alike.
ORDER_REFUSALS: Final[Mapping[OrderAction, str]] = MappingProxyType(
    {
        OrderAction.move: "Only staff move an order along its statuses.",
        OrderAction.cancel: "Only the customer or staff may cancel this order.",
        OrderAction.refund: "Cancelling a paid order refunds it, and only an admin may refund.",
        OrderAction.refund_line: "Only an admin may refund an order line.",
    }
)


def order_actions(role: str | None, *, owner: bool = False) -> frozenset[OrderAction]:
    """What someone of `role` may do to an order (with the owner's rights when it is theirs)."""
    allowed = ORDER_PERMISSIONS.get(role, frozenset()) if role is not None else frozenset()
    return (allowed | ORDER_PERMISSIONS[OWNER]) if owner else allowed


def may_act_on_order(user: User, action: OrderAction, *, owner: bool) -> bool:
    return action in order_actions(user.role.name, owner=owner)
