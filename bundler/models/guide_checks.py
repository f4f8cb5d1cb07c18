"""办事指南抽检 (seed 000 二(二): 常态化开展办事指南准确度质检; 004 §32): a reviewer draws published guides
at random, records what is wrong with each, and the item's department corrects it by a due date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedText
from ..states import GuideCheckState, label
from .accounts import User
from .catalogue import Department, Item
from .common import Timestamped


class GuideCheck(Timestamped, Model):
    """One draw: who drew how many guides, when."""

    __tablename__ = "guide_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    size: Mapped[int]

    drawn_by: Mapped[User] = relationship()
    entries: Mapped[list[GuideCheckEntry]] = relationship(
        back_populates="check", order_by="GuideCheckEntry.id", cascade="all, delete-orphan"
    )


class GuideCheckEntry(Timestamped, Model):
    """One guide drawn: the item's version as drawn, the findings, and the department's correction."""

    __tablename__ = "guide_check_entries"
    __table_args__ = (Index("ix_guide_check_entries_department_status", "department_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("guide_checks.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    version: Mapped[int]  # the item's published version the reviewer read
    status: Mapped[str] = mapped_column(String(12), default=GuideCheckState.DRAWN)
    findings: Mapped[str | None] = mapped_column(EncryptedText)  # free text: encrypted like every note
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date | None] = mapped_column(
        Date
    )  # correction due (working days, rule guide_correction)
    correction: Mapped[str | None] = mapped_column(EncryptedText)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    corrected_version: Mapped[int | None]  # the item's published version when the department said done

    check: Mapped[GuideCheck] = relationship(back_populates="entries")
    item: Mapped[Item] = relationship()
    department: Mapped[Department] = relationship()
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])
    corrected_by: Mapped[User | None] = relationship(foreign_keys=[corrected_by_id])

    @property
    def status_label(self) -> str:
        return label(GuideCheckState, self.status)
