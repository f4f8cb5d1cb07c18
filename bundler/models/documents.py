"""Rendered documents (PDF), cached: rendered once by an rq job, then downloaded many times."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedBytes
from ..states import DocumentState
from .common import Timestamped, json_column

if TYPE_CHECKING:
    from .applications import Application


class Document(Timestamped, Model):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("kind", "cache_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    cache_key: Mapped[str] = mapped_column(String(64))  # what it was rendered from
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = json_column(dict)
    status: Mapped[str] = mapped_column(String(16), default=DocumentState.PENDING)
    content: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    error: Mapped[str | None] = mapped_column(Text)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application | None] = relationship()
