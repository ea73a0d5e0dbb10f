"""Every table in one package: Alembic and SQLAdmin import from here."""

from app.models.base import Base
from app.models.catalog import Category, Product, ProductImage
from app.models.store import Stock, Store
from app.models.user import Profile, Role, RoleName, User

__all__ = [
    "Base",
    "Category",
    "Product",
    "ProductImage",
    "Profile",
    "Role",
    "RoleName",
    "Stock",
    "Store",
    "User",
]
