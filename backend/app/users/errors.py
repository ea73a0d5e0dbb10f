"""The users' errors, and the constraints whose violation is one of them."""

from app.core.db import ConstraintErrors
from app.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    code, title = "user_not_found", "User not found"


class CannotChangeSelf(Conflict):
    code, title = "cannot_change_self", "Admins cannot disable, demote or delete themselves"


class UserDeleted(Conflict):
    code, title = "user_deleted", "The user has deleted their account"


class LastAdmin(Conflict):
    code, title = "last_admin", "The last active admin cannot be removed"


class EmailTaken(Conflict):
    code, title = "email_taken", "E-mail address already registered"


class UsernameTaken(Conflict):
    code, title = "username_taken", "Username already taken"


# Two registrations (or renames) at once pass the service's checks together; the unique
# indexes on the lower-cased columns decide.
USER_CONSTRAINTS: ConstraintErrors = {
    "uq_user_email_lower": EmailTaken,
    "uq_user_username_lower": UsernameTaken,
}
