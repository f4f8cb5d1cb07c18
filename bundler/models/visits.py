"""Visits to the counter (跑动), one row per application and day, logged where they happen: the
report counts 最多跑一次 from these, not from what the design assumed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..states import VisitPurpose, label
from .applications import Application
from .common import json_column, utcnow


class Visit(Model):
    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("application_id", "visited_on"),)  # one trip a day, however busy

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    visited_on: Mapped[date] = mapped_column(Date)  # local day
    first_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    purposes: Mapped[list[str]] = json_column(list)  # VisitPurpose values, in the order they came up
    actor: Mapped[str] = mapped_column(String(200))  # the clerk who logged it (masked, as the audit log)

    application: Mapped[Application] = relationship()

    @property
    def purpose_labels(self) -> str:
        return "、".join(label(VisitPurpose, p) for p in self.purposes)
