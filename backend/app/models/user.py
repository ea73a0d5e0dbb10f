"""Users, their profiles and roles."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, TimestampMixin


class RoleName(enum.StrEnum):
    customer = "customer"
    support = "support"
    admin = "admin"


class Role(IdMixin, Base):
    __tablename__ = "role"

    name: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="", server_default="")

    def __str__(self) -> str:
        return self.name


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "user"
    __table_args__ = (
        # Case-insensitive uniqueness: emails and usernames are compared lower-cased.
        Index("uq_user_email_lower", func.lower(text("email")), unique=True),
        Index("uq_user_username_lower", func.lower(text("username")), unique=True),
        Index("ix_user_unverified_created", "created_at", postgresql_where=text("NOT is_verified")),
    )

    email: Mapped[str] = mapped_column(String(254))
    username: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    role_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("role.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Set when the user deleted their account: e-mail, username and profile are anonymised,
    # the row stays for the books (orders, ledger).
    deleted_at: Mapped[datetime | None]

    role: Mapped[Role] = relationship(lazy="joined", innerjoin=True)
    profile: Mapped["Profile"] = relationship(
        back_populates="user",
        lazy="joined",
        cascade="all, delete-orphan",
        passive_deletes=True,
        uselist=False,
    )

    @property
    def role_name(self) -> str:
        return self.role.name

    @property
    def full_name(self) -> str:
        return self.profile.full_name if self.profile else ""

    @property
    def phone(self) -> str:
        return self.profile.phone if self.profile else ""

    @property
    def address(self) -> str:
        return self.profile.address if self.profile else ""

    def __str__(self) -> str:
        return self.username


class Profile(Base):
    __tablename__ = "profile"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    full_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")

    user: Mapped[User] = relationship(back_populates="profile", lazy="raise")
