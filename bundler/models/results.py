"""What an application gives back (一端出件): the documents a step issues and the one handover."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedBytes, EncryptedText
from ..states import HandoverMethod, label
from .accounts import ApiToken, User
from .applications import Application, Task
from .common import Timestamped


class ResultDocument(Timestamped, Model):
    """A document a department issued with its approval (PDF or OFD); name and content encrypted."""

    __tablename__ = "result_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(EncryptedText)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(EncryptedText)
    content: Mapped[bytes] = mapped_column(EncryptedBytes, deferred=True)

    task: Mapped[Task] = relationship()


class Handover(Timestamped, Model):
    """出件, recorded once per application (the unique application id refuses a second one)."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    method: Mapped[str] = mapped_column(String(16))
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200))  # who recorded it, as the audit log names people
    id_checked: Mapped[bool] = mapped_column(Boolean, default=False)  # collector's ID checked at the window
    collector: Mapped[str | None] = mapped_column(EncryptedText)  # who collected it
    address: Mapped[str | None] = mapped_column(EncryptedText)  # where it was mailed
    carrier: Mapped[str | None] = mapped_column(String(50))
    tracking_number: Mapped[str | None] = mapped_column(EncryptedText)  # the carrier's waybill number
    handed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship()
    clerk: Mapped[User | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()

    @property
    def method_label(self) -> str:
        return label(HandoverMethod, self.method)
