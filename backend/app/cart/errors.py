"""The cart's errors."""

from app.core.errors import Conflict, NotFound


class CartItemNotFound(NotFound):
    code, title = "cart_item_not_found", "Cart item not found"


class CartQuantityLimit(Conflict):
    code, title = "cart_quantity_limit", "Quantity limit reached"
