"""The job outbox: Celery jobs written in the transaction that asks for them."""

from datetime import datetime
from typing import Any

from sqlalchemy import String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin


class OutboxJob(IdMixin, Base):
    """A job to publish to the Celery broker. The row commits or rolls back with the work
    that asked for it; the relay (app.core.outbox) publishes it and deletes it."""

    __tablename__ = "job_outbox"

    task: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSONB)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
