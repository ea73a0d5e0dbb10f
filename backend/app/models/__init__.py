"""Every table in one package: Alembic and SQLAdmin import from here."""

from app.models.base import Base
from app.models.user import Profile, Role, RoleName, User

__all__ = ["Base", "Profile", "Role", "RoleName", "User"]
