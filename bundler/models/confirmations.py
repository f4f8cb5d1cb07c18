"""Every party confirms (各方确认): a bundle may require each person of listed roles (the parents, the
buyers and the sellers) to confirm the application's content before it is submitted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forms.roles import person_label

from ..extensions import Model
from ..privacy import EncryptedText
from ..states import ConfirmationChannel, label
from .accounts import User
from .applications import Application


class Confirmation(Model):
    """One party of one application: who (found by the keyed hash of their ID number), and, once they
    confirmed, how and which content (the digest of the data and answers they saw)."""

    __tablename__ = "confirmations"
    __table_args__ = (UniqueConstraint("application_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(
        String(80)
    )  # 父亲, or 买方#2 for the second person of a repeating role
    name: Mapped[str | None] = mapped_column(EncryptedText)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    content_digest: Mapped[str | None] = mapped_column(String(64))  # what was confirmed
    channel: Mapped[str | None] = mapped_column(String(10))  # ConfirmationChannel
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the party, or the clerk

    application: Mapped[Application] = relationship()
    confirmed_by: Mapped[User | None] = relationship()

    @property
    def party_label(self) -> str:
        """``买方（第 2 位）`` for ``买方#2``; a role of one person as it is."""
        role, mark, number = self.party.partition("#")
        return person_label(role, int(number) - 1) if mark else role

    @property
    def channel_label(self) -> str:
        return label(ConfirmationChannel, self.channel) if self.channel else "尚未确认"
