"""Every table in one package: Alembic and SQLAdmin import from here."""

from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.cart import Cart, CartItem
from app.models.catalog import (
    Category,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductTranslation,
    SearchWord,
)
from app.models.order import (
    ORDER_NUMBER_SEQ,
    IdempotencyKey,
    Order,
    OrderItem,
    OrderRefund,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    RefundMethod,
    RefundStatus,
)
from app.models.outbox import OutboxJob
from app.models.payment import (
    Account,
    CardPayment,
    CardPaymentStatus,
    TopUp,
    TopUpStatus,
    Transaction,
    TransactionKind,
)
from app.models.store import Stock, Store
from app.models.support import ConversationStatus, SupportConversation, SupportMessage
from app.models.user import Profile, Role, RoleName, User

__all__ = [
    "ORDER_NUMBER_SEQ",
    "Account",
    "AuditEntry",
    "Base",
    "CardPayment",
    "CardPaymentStatus",
    "Cart",
    "CartItem",
    "Category",
    "CategoryTranslation",
    "ConversationStatus",
    "IdempotencyKey",
    "Order",
    "OrderItem",
    "OrderRefund",
    "OrderStatus",
    "OrderStatusChange",
    "OutboxJob",
    "PaymentMethod",
    "Product",
    "ProductImage",
    "ProductTranslation",
    "Profile",
    "RefundMethod",
    "RefundStatus",
    "Role",
    "RoleName",
    "SearchWord",
    "Stock",
    "Store",
    "SupportConversation",
    "SupportMessage",
    "TopUp",
    "TopUpStatus",
    "Transaction",
    "TransactionKind",
    "User",
]
