"""The stores' errors, and the constraints whose violation is one of them."""

from app.core.db import ConstraintErrors
from app.core.errors import Conflict, Forbidden, NotFound


class StoreNotFound(NotFound):
    code, title = "store_not_found", "Store not found"


class StoreNameTaken(Conflict):
    code, title = "store_name_taken", "A store with this name exists"


class NotStoreStaff(Forbidden):
    code, title = "not_store_staff", "Only this store's staff or an admin may do this"


class NotAStaffAccount(Conflict):
    code, title = "not_a_staff_account", "Only support or admin accounts work at a store"


class StoreHasOrders(Conflict):
    code, title = "store_has_orders", "The store has orders"


def _store_has_orders() -> StoreHasOrders:
    return StoreHasOrders("A store with orders cannot be deleted; set is_active to false instead.")


STORE_WRITE_CONSTRAINTS: ConstraintErrors = {"uq_store_name": StoreNameTaken}
# order.store_id is RESTRICT: the sales history stays.
STORE_DELETE_CONSTRAINTS: ConstraintErrors = {"fk_order_store_id_store": _store_has_orders}
