"""The overview for window staff and lead departments: what is in flight, what is overdue, and where
time is being lost (per department, working days used against promised limits).

Every figure is a grouped query over indexed columns or a read of ``department_months``, a summary
kept up to date as each task is decided, so the page costs the same with a year of applications as
with a day's; the lists are paged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .. import clock
from ..clock import utcnow
from ..models import (
    Application,
    ApplicationCount,
    BundleVersion,
    Department,
    DepartmentMonth,
    ItemVersion,
    RunningDueCount,
    Task,
    TaskCount,
)
from ..models.applications import step_title
from ..states import ACCEPTED_STATES, OPEN_TASKS, RUNNING_TASKS, TaskState, label
from . import paging, work_calendar

PAGE_SIZE = 30  # applications in flight on one page
LATE_SHOWN = 50  # overdue steps listed (the count says how many there are)


def record_decision(session: Session, task: Task) -> None:
    """A task was decided (approved, refused or revoked): keep its days and add it to its
    department's month. Runs in the caller's transaction, so the figure and the decision commit together."""
    if task.ready_at is None or task.finished_at is None:
        return
    version = task.item_version
    used = work_calendar.days_used(
        task.ready_at, task.finished_at, task.paused_days, version.days_unit, work_calendar.current(session)
    )
    task.days_used = used
    values: dict[str, Any] = {
        "department_id": task.department_id,
        "month": clock.month_start(clock.local(task.finished_at).date()),
        "finished": 1,
        "days_used": used,
        "days_promised": version.promised_days,
        "on_time": int(used <= version.promised_days),
        "updated_at": utcnow(),
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(DepartmentMonth).values(**values)
    table = DepartmentMonth.__table__.c
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["department_id", "month"],
            set_={
                "finished": table.finished + 1,
                "days_used": table.days_used + used,
                "days_promised": table.days_promised + version.promised_days,
                "on_time": table.on_time + values["on_time"],
                "updated_at": values["updated_at"],
            },
        )
    )


@dataclass
class DepartmentTime:
    department: str
    finished: int
    average_days: float  # days from ready to decided (in each item's unit, pauses left out)
    average_promised: float
    on_time: float  # share decided within the promised limit
    open_tasks: int
    overdue: int


@dataclass
class Overview:
    in_flight: int
    overdue: int  # running steps past their due date
    late: list[Step]  # the first of them, by due date
    applications: list[InFlight]  # one page of those in flight, by promised date
    page: int
    pages: int
    times: list[DepartmentTime]
    figures_as_of: dt.datetime | None  # the latest decision counted in ``times``


@dataclass(frozen=True)
class Step:
    """A step as the overview lists it (read as a row: no task objects)."""

    id: int
    tracking_no: str | None
    item: str
    per_role: str | None
    person: int
    department: str
    status: str
    due_date: dt.date | None

    @property
    def title(self) -> str:
        return step_title(self.item, self.per_role, self.person)

    @property
    def status_label(self) -> str:
        return label(TaskState, self.status)


@dataclass
class InFlight:
    """An application in flight as the overview lists it, with its steps that apply."""

    id: int
    tracking_no: str | None
    bundle: str
    subject_label: str | None
    promised_date: dt.date | None
    steps: list[Step]


def _step_query(*where: Any) -> Any:
    """The steps matching ``where``: the application's id, then a :class:`Step`'s columns."""
    return (
        select(
            Task.application_id,
            Task.id,
            Application.tracking_no,
            ItemVersion.name,
            Task.per_role,
            Task.person,
            Department.name,
            Task.status,
            Task.due_date,
        )
        .join(Application, Application.id == Task.application_id)
        .join(ItemVersion, ItemVersion.id == Task.item_version_id)
        .join(Department, Department.id == Task.department_id)
        .where(*where)
    )


def _steps(session: Session, query: Any) -> list[tuple[int, Step]]:
    return [(application_id, Step(*row)) for application_id, *row in session.execute(query)]


def _scoped(query: Any, lead_department_id: int | None, column: Any) -> Any:
    """The query limited to one lead department's bundles (``column``: the row's copy of it)."""
    return query if lead_department_id is None else query.where(column == lead_department_id)


def overview(session: Session, lead_department_id: int | None = None, page: int = 1) -> Overview:
    """The overview, for everyone (window staff, administrators) or one lead department's bundles."""
    today = clock.today()
    in_flight = (
        session.scalar(
            _scoped(
                select(func.sum(ApplicationCount.applications)).where(
                    ApplicationCount.status.in_(ACCEPTED_STATES)
                ),
                lead_department_id,
                ApplicationCount.lead_department_id,
            )
        )
        or 0
    )
    page, pages = paging.clamp(in_flight, page, PAGE_SIZE)
    shown = session.execute(
        _scoped(
            select(
                Application.id,
                Application.tracking_no,
                BundleVersion.name,
                Application.subject_label,
                Application.promised_date,
            )
            .join(BundleVersion, BundleVersion.id == Application.bundle_version_id)
            .where(Application.status.in_(ACCEPTED_STATES)),
            lead_department_id,
            Application.lead_department_id,
        )
        .order_by(Application.promised_date, Application.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    applications = [
        InFlight(r.id, r.tracking_no, r.name, r.subject_label, r.promised_date, []) for r in shown
    ]
    by_id = {a.id: a for a in applications}
    if by_id:
        listed = _step_query(Task.application_id.in_(by_id), Task.status != TaskState.SKIPPED)
        for application_id, step in _steps(
            session, listed.order_by(Task.application_id, Task.position, Task.person)
        ):
            by_id[application_id].steps.append(step)
    late_query = _scoped(
        _step_query(Task.status.in_(RUNNING_TASKS), Task.due_date < today),
        lead_department_id,
        Task.lead_department_id,
    )
    late = [
        step for _, step in _steps(session, late_query.order_by(Task.due_date, Task.id).limit(LATE_SHOWN))
    ]
    times, as_of = department_times(session, lead_department_id, today)
    return Overview(
        in_flight=in_flight,
        overdue=sum(row.overdue for row in times),  # every department with overdue work has a row
        late=late,
        applications=applications,
        page=page,
        pages=pages,
        times=times,
        figures_as_of=as_of,
    )


def department_times(
    session: Session, lead_department_id: int | None, today: dt.date
) -> tuple[list[DepartmentTime], dt.datetime | None]:
    """Per department: decided tasks' days against their promised limits (every month kept in
    ``department_months``), and the open load (of the lead department's bundles, when scoped)."""
    decided = session.execute(
        select(
            DepartmentMonth.department_id,
            func.sum(DepartmentMonth.finished),
            func.sum(DepartmentMonth.days_used),
            func.sum(DepartmentMonth.days_promised),
            func.sum(DepartmentMonth.on_time),
            func.max(DepartmentMonth.updated_at),
        ).group_by(DepartmentMonth.department_id)
    ).all()
    open_query = select(TaskCount.department_id, func.sum(TaskCount.tasks)).where(
        TaskCount.status.in_(OPEN_TASKS), TaskCount.delivered.is_(True)
    )
    open_query = _scoped(open_query, lead_department_id, TaskCount.lead_department_id)
    late_query = select(RunningDueCount.department_id, func.sum(RunningDueCount.tasks)).where(
        RunningDueCount.due_date < today
    )
    late_query = _scoped(late_query, lead_department_id, RunningDueCount.lead_department_id)
    overdue = {d: int(n) for d, n in session.execute(late_query.group_by(RunningDueCount.department_id)) if n}
    open_tasks = {d: int(n) for d, n in session.execute(open_query.group_by(TaskCount.department_id)) if n}
    load = {d: (open_tasks.get(d, 0), overdue.get(d, 0)) for d in open_tasks.keys() | overdue.keys()}
    names = {
        department_id: name for department_id, name in session.execute(select(Department.id, Department.name))
    }
    rows, as_of = {}, None
    for department_id, finished, used, promised, on_time, updated in decided:
        as_of = max(as_of, updated) if as_of and updated else (updated or as_of)
        rows[department_id] = DepartmentTime(
            department=names.get(department_id, str(department_id)),
            finished=finished,
            average_days=round(used / finished, 1) if finished else 0.0,
            average_promised=round(promised / finished, 1) if finished else 0.0,
            on_time=round(on_time / finished, 2) if finished else 1.0,
            open_tasks=0,
            overdue=0,
        )
    for department_id, (count, late) in load.items():
        row = rows.setdefault(
            department_id,
            DepartmentTime(names.get(department_id, str(department_id)), 0, 0.0, 0.0, 1.0, 0, 0),
        )
        row.open_tasks, row.overdue = count, late
    ordered = sorted(
        rows.values(), key=lambda r: (-(r.average_days - r.average_promised), -r.overdue, r.department)
    )
    return ordered, as_of
