"""Figures kept up to date as work happens, so that the overview reads a few rows instead of a year
of tasks: per department and month of decision, how many tasks were decided and their days."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, UniqueConstraint
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


class TaskCount(Model):
    """How many tasks a department has in each state, per lead department and whether they have been
    handed over yet: kept exact in the transaction of each change (``counts.py``), so totals and
    loads are a read of a few rows however many tasks a year brings."""

    __tablename__ = "task_counts"
    __table_args__ = (
        UniqueConstraint(
            "department_id", "lead_department_id", "status", "delivered", name="uq_task_counts_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    lead_department_id: Mapped[int] = mapped_column()  # 0: an application without a lead department
    status: Mapped[str] = mapped_column(String(20))
    delivered: Mapped[bool] = mapped_column()
    tasks: Mapped[int] = mapped_column(default=0)


class ApplicationCount(Model):
    """How many applications are in each state, per lead department (kept like ``TaskCount``)."""

    __tablename__ = "application_counts"
    __table_args__ = (UniqueConstraint("lead_department_id", "status", name="uq_application_counts_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_department_id: Mapped[int] = mapped_column()  # 0: none
    status: Mapped[str] = mapped_column(String(20))
    applications: Mapped[int] = mapped_column(default=0)


class RunningDueCount(Model):
    """A department's running work (待办理, 办理中), per lead department and due date (kept like
    ``TaskCount``): how much is overdue today is the sum of the rows before today."""

    __tablename__ = "running_due_counts"
    __table_args__ = (
        UniqueConstraint("department_id", "lead_department_id", "due_date", name="uq_running_due_counts_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    lead_department_id: Mapped[int] = mapped_column()  # 0: none
    due_date: Mapped[date] = mapped_column(Date)
    tasks: Mapped[int] = mapped_column(default=0)


class RatingCount(Model):
    """How many bad ratings (差评) each lead department has per follow-up state (kept like ``TaskCount``)."""

    __tablename__ = "rating_counts"
    __table_args__ = (UniqueConstraint("lead_department_id", "follow_up", name="uq_rating_counts_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_department_id: Mapped[int] = mapped_column()  # 0: none
    follow_up: Mapped[str] = mapped_column(String(16))
    ratings: Mapped[int] = mapped_column(default=0)


class OutcomeMonth(Model):
    """The measured figures of one bundle's applications accepted in one month (local time): counts and
    histograms of working days (``cohort``), decided steps per department, materials by how they were
    provided. Recomputed by a job (``services/outcome_counts.py``) over the recent months, so that
    the reform report reads a dozen rows whatever a year brings; ``refreshed_at`` says how fresh."""

    __tablename__ = "outcome_months"
    __table_args__ = (UniqueConstraint("bundle_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month of acceptance
    cohort: Mapped[dict[str, Any]] = mapped_column(JSON)
    departments: Mapped[dict[str, list[int]]] = mapped_column(JSON)  # department id -> [decided, on time]
    materials: Mapped[dict[str, int]] = mapped_column(JSON)  # material state -> how many
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
