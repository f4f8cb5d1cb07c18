"""The overview for window staff and lead departments: what is in flight, what is overdue, and where
time is being lost (per department, working days used against promised limits)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import graphs

from .. import clock
from ..models import Application, BundleVersion, Task
from ..states import ApplicationState, TaskState
from . import work_calendar

IN_FLIGHT = (ApplicationState.ACCEPTED, ApplicationState.ACCEPTED_PENDING)


@dataclass
class DepartmentTime:
    department: str
    finished: int
    average_days: float  # days from ready to finished (in each item's unit, pauses left out)
    average_promised: float
    on_time: float  # share finished within the promised limit
    open_tasks: int
    overdue: int


def in_flight(session: Session, lead_department_id: int | None = None) -> list[Application]:
    query = (
        select(Application)
        .where(Application.status.in_(IN_FLIGHT))
        .options(selectinload(Application.tasks).selectinload(Task.department))
        .order_by(Application.promised_date, Application.id)
    )
    if lead_department_id is not None:
        query = query.join(BundleVersion).where(BundleVersion.lead_department_id == lead_department_id)
    return list(session.scalars(query))


def overdue(applications: list[Application]) -> list[Task]:
    today = clock.today()
    return [
        t
        for a in applications
        for t in a.tasks
        if t.status in (TaskState.READY, TaskState.IN_PROGRESS)
        and t.due_date is not None
        and t.due_date < today
    ]


def department_times(session: Session, applications: list[Application]) -> list[DepartmentTime]:
    """Per department: finished tasks' working days against their promised limits, and open load."""
    finished = session.scalars(
        select(Task)
        .where(Task.finished_at.is_not(None), Task.ready_at.is_not(None))
        .options(selectinload(Task.department))
    ).all()
    used: dict[str, list[tuple[int, int]]] = defaultdict(list)
    calendar = work_calendar.current(session)
    for task in finished:
        assert task.ready_at is not None and task.finished_at is not None  # the query asks for both
        start, end = clock.local(task.ready_at).date(), clock.local(task.finished_at).date()
        if task.item_version.days_unit == graphs.NATURAL_DAYS:
            elapsed = (end - start).days
        else:
            elapsed = graphs.working_days_between(start, end, estimate=True, calendar=calendar)
        days = max(elapsed - task.paused_days, 0)
        used[task.department.name].append((days, task.item_version.promised_days))
    open_by: dict[str, list[Task]] = defaultdict(list)
    for application in applications:
        for task in application.tasks:
            if task.status in (TaskState.READY, TaskState.IN_PROGRESS, TaskState.PAUSED):
                open_by[task.department.name].append(task)
    late = {t.id for t in overdue(applications)}
    names = sorted(set(used) | set(open_by))
    rows = []
    for name in names:
        pairs = used.get(name, [])
        rows.append(
            DepartmentTime(
                department=name,
                finished=len(pairs),
                average_days=round(sum(d for d, _ in pairs) / len(pairs), 1) if pairs else 0.0,
                average_promised=round(sum(p for _, p in pairs) / len(pairs), 1) if pairs else 0.0,
                on_time=round(sum(d <= p for d, p in pairs) / len(pairs), 2) if pairs else 1.0,
                open_tasks=len(open_by.get(name, [])),
                overdue=sum(t.id in late for t in open_by.get(name, [])),
            )
        )
    return sorted(rows, key=lambda r: (-(r.average_days - r.average_promised), -r.overdue, r.department))
