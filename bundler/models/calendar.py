"""The working-day calendar a district keeps: each year's holidays and 调休 working days."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model
from .common import json_column


class CalendarYear(Model):
    """One year's arrangement as published by the State Council (or, until then, provisional).

    ``holidays`` and ``workdays`` are ISO dates; a year without a row is provisional (weekends only).
    """

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))  # CalendarYearState
    holidays: Mapped[list[str]] = json_column(list)  # days off (法定节假日，含调休形成的休息日)
    workdays: Mapped[list[str]] = json_column(list)  # weekend days worked instead (调休上班)
    source: Mapped[str] = mapped_column(String(200))  # the notice, the file or the package it came from
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
