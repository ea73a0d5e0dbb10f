"""Who may do what, by role: the one place the role predicates live.

The API's guards (app.auth.dependencies), the services that widen what staff see, and the
admin panel all ask here."""

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
