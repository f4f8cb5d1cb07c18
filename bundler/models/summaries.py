"""Figures kept up to date as work happens, so that the overview reads a few rows instead of a year
of tasks: per department and month of decision, how many tasks were decided and their days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .common import utcnow


class DepartmentMonth(Model):
    """A department's decided tasks of one month (local time): count, days used (pauses left out,
    in each item's unit), promised days, and how many were within their promise."""

    __tablename__ = "department_months"
    __table_args__ = (UniqueConstraint("department_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    finished: Mapped[int] = mapped_column(default=0)
    days_used: Mapped[int] = mapped_column(default=0)
    days_promised: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
