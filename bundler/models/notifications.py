"""Notices sent to applicants (短信告知): written with the event that causes them, sent after the commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedText
from ..states import NotificationState, label
from .applications import Application
from .common import Timestamped


class Notification(Timestamped, Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(32))  # accepted, supplement, result, completed, handover …
    recipient: Mapped[str | None] = mapped_column(EncryptedText)  # a mobile number
    body: Mapped[str] = mapped_column(EncryptedText)
    sender: Mapped[str | None] = mapped_column(String(32))  # the sender that took it (registry name)
    status: Mapped[str] = mapped_column(String(16), default=NotificationState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Not handed out before this time: after a failure (the retry schedule), or while a job holds it.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()

    @property
    def status_label(self) -> str:
        return label(NotificationState, self.status)
