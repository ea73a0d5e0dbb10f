from app.core.errors import AppError, Conflict, Forbidden, NotFound


class OrderNotFound(NotFound):
    code, title = "order_not_found", "Order not found"


class OutOfStock(Conflict):
    code, title = "out_of_stock", "Not enough stock"


class ProductsUnavailable(Conflict):
    code, title = "products_unavailable", "Products not available"


class PayAtPickupNotOffered(Conflict):
    code, title = "pay_at_pickup_not_offered", "This store takes payment when you order"


class CartEmpty(Conflict):
    code, title = "cart_empty", "The cart has nothing to order"


class InvalidTransition(Conflict):
    code, title = "invalid_status_transition", "Status change not allowed"


class OrderActionForbidden(Forbidden):
    """An action on an order that the permission table (app.auth.permissions) does not give
    the caller; `action` names it (move, cancel, refund, refund_line) and nothing changed."""

    code, title = "order_action_forbidden", "Your role may not do this to an order"


class OrderNotDeletable(Conflict):
    code, title = "order_not_deletable", "Only cancelled or completed orders can be deleted"


class IdempotencyKeyReused(AppError):
    status, code, title = 422, "idempotency_key_reused", "Idempotency-Key used with another body"


class IdempotencyKeyInProgress(Conflict):
    code, title = "idempotency_key_in_progress", "A request with this Idempotency-Key is running"


class OrderTooLarge(AppError):
    status, code, title = 422, "order_total_too_large", "The order total is too large"


class OpenOrders(Conflict):
    code, title = "open_orders", "Orders are still open"


class CardPaymentClosed(Conflict):
    code, title = "card_payment_closed", "The order cannot be paid by card now"


class GuestWhileSignedIn(AppError):
    status, code, title = 422, "guest_while_signed_in", "A signed-in customer orders as themself"


class GuestItemsRequired(AppError):
    status, code, title = 422, "guest_items_required", "A guest sends the items to order"


class GuestBalanceRefused(AppError):
    status, code, title = 422, "guest_balance_refused", "A guest has no balance to pay from"


class OrderNotGuest(Conflict):
    code, title = "order_not_guest", "The order belongs to an account, not a guest"


class OrderItemNotFound(NotFound):
    code, title = "order_item_not_found", "The order has no such line"


class OrderNotRefundable(Conflict):
    """Only a paid order (paid, preparing, ready or completed) has money to give back; an
    unpaid one is cancelled instead, a cancelled one was refunded with its cancel."""

    code, title = "order_not_refundable", "Nothing paid to refund"


class RefundExceedsLine(Conflict):
    """More units than are left unrefunded of the line; `refundable` says how many are."""

    code, title = "refund_exceeds_line", "More than is left of the line to refund"
