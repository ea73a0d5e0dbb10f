"""The audit log: who changed what, when, from where, with the values before and after."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin


class AuditEntry(IdMixin, Base):
    """Append-only (a trigger refuses UPDATE and DELETE). The actor is kept by id and name,
    not by a foreign key: the entry must outlive, unchanged, the account that made it."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity", "entity", "entity_id"),)

    at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    ip: Mapped[str] = mapped_column(String(45), default="", server_default="")
    # "panel" or "api"
    source: Mapped[str] = mapped_column(String(16))
    # "create", "update" or "delete"
    action: Mapped[str] = mapped_column(String(16))
    # The table changed, and the row's id there ("3" or "3/7" for a two-column key).
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    def __str__(self) -> str:
        return f"{self.action} {self.entity} {self.entity_id}"
