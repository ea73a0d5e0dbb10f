"""The panel's views, one module per domain. Every relationship a page shows is loaded up
front (the models say lazy="raise"), and every write goes through the domain's service."""

from app.admin.views.audit import AuditEntryAdmin
from app.admin.views.base import ShopModelView
from app.admin.views.catalog import CategoryAdmin, ProductAdmin, ProductImageAdmin
from app.admin.views.money import AccountAdmin, TransactionAdmin
from app.admin.views.options import ModifierGroupAdmin, ProductVariantAdmin
from app.admin.views.orders import OrderAdmin, OrderItemAdmin
from app.admin.views.stores import StockAdmin, StoreAdmin
from app.admin.views.support import SupportConversationAdmin
from app.admin.views.users import UserAdmin

ADMIN_VIEWS: list[type[ShopModelView]] = [
    OrderAdmin,
    OrderItemAdmin,
    SupportConversationAdmin,
    CategoryAdmin,
    ProductAdmin,
    ProductVariantAdmin,
    ModifierGroupAdmin,
    ProductImageAdmin,
    StoreAdmin,
    StockAdmin,
    UserAdmin,
    AuditEntryAdmin,
    AccountAdmin,
    TransactionAdmin,
]
