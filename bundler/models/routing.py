"""Routing of tasks to departments: the outbox (nothing lost) and the audit log (nobody edits it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedJSON
from ..states import DeliveryState
from .applications import Task
from .common import Timestamped, partial_index, status_in, utcnow

DUE_PREDICATE = status_in((DeliveryState.PENDING, DeliveryState.QUEUED))


class Delivery(Timestamped, Model):
    """One delivery of a task to its department, written in the same transaction as the task."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # the dispatcher's sweep reads only the deliveries still to hand over, never the delivered millions
        partial_index("ix_deliveries_due", "id", where=DUE_PREDICATE),
        Index("ix_deliveries_delivered_at", "delivered_at"),  # the latest deliveries first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    queue: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # after a failure
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship()


class AuditEntry(Model):
    """Who did what to which task, with the state before and after. Append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))  # 用户 12（张*） / 令牌 3 / 系统
    action: Mapped[str] = mapped_column(String(50))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    before: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict, nullable=False)
    after: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict, nullable=False)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(*_args: Any) -> None:
    raise AuditLogIsAppendOnly("审计日志只能追加，不能修改或删除")
