"""The SQLAdmin panel at /admin: admins only, CSRF-checked, over the shop's tables."""

from app.admin.setup import setup_admin

__all__ = ["setup_admin"]
