"""Keeps ``task_counts`` and ``application_counts`` exact: every flush adds up how the tasks and
applications it writes move between states, and the commit adds the sums to the count rows in one
statement, in a fixed order (so two transactions never wait on each other's rows crosswise).

Every change of a task or an application goes through the ORM, so every change is counted; rows
written with SQL elsewhere (a migration, the scale benchmark's copies) are counted by :func:`recount`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .applications import Application, Task
from .summaries import ApplicationCount, TaskCount

_PENDING = "counts"  # session.info key: the moves of this transaction, not yet added

TaskKey = tuple[int, int, str, bool]  # department, lead department (0: none), status, handed over
ApplicationKey = tuple[int, str]  # lead department (0: none), status


def _before(obj: Any, name: str) -> Any:
    """The value an attribute had when the row was loaded (the flush just wrote the new one)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, name)


def _changed(obj: Any, *names: str) -> bool:
    attributes = inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in names)


def _task_key(task: Task, *, before: bool = False) -> TaskKey:
    value = (lambda name: _before(task, name)) if before else (lambda name: getattr(task, name))
    return (
        task.department_id,
        task.lead_department_id or 0,
        value("status"),
        value("delivered_at") is not None,
    )


def _application_key(application: Application, *, before: bool = False) -> ApplicationKey:
    status = _before(application, "status") if before else application.status
    return (application.lead_department_id or 0, status)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    tasks: Counter[TaskKey] = Counter()
    applications: Counter[ApplicationKey] = Counter()
    for row in session.new:
        if isinstance(row, Task):
            tasks[_task_key(row)] += 1
        elif isinstance(row, Application):
            applications[_application_key(row)] += 1
    for row in session.dirty:
        if isinstance(row, Task) and _changed(row, "status", "delivered_at"):
            tasks[_task_key(row, before=True)] -= 1
            tasks[_task_key(row)] += 1
        elif isinstance(row, Application) and _changed(row, "status"):
            applications[_application_key(row, before=True)] -= 1
            applications[_application_key(row)] += 1
    for row in session.deleted:
        if isinstance(row, Task):
            tasks[_task_key(row, before=True)] -= 1
        elif isinstance(row, Application):
            applications[_application_key(row, before=True)] -= 1
    if any(tasks.values()) or any(applications.values()):
        pending = session.info.setdefault(_PENDING, (Counter(), Counter()))
        pending[0].update(tasks)
        pending[1].update(applications)


def _adding(insert: Any, model: Any, keys: list[str], column: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE: a new count row, or the count added to the existing one. Built
    once per dialect, so each commit only sends its rows (one executemany)."""
    statement = insert(model)
    return statement.on_conflict_do_update(
        index_elements=keys, set_={column: model.__table__.c[column] + statement.excluded[column]}
    )


_UPSERTS = {
    name: (
        _adding(insert, TaskCount, ["department_id", "lead_department_id", "status", "delivered"], "tasks"),
        _adding(insert, ApplicationCount, ["lead_department_id", "status"], "applications"),
    )
    for name, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


@event.listens_for(Session, "before_commit")
def _add(session: Session) -> None:
    session.flush()  # what is still pending is counted too
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    tasks, applications = pending
    add_tasks, add_applications = _UPSERTS[session.get_bind().dialect.name]
    task_rows = [
        {"department_id": k[0], "lead_department_id": k[1], "status": k[2], "delivered": k[3], "tasks": n}
        for k, n in sorted(tasks.items())
        if n
    ]
    if task_rows:
        session.execute(add_tasks, task_rows)
    application_rows = [
        {"lead_department_id": k[0], "status": k[1], "applications": n}
        for k, n in sorted(applications.items())
        if n
    ]
    if application_rows:
        session.execute(add_applications, application_rows)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_PENDING, None)


event.listen(Session, "after_rollback", _forget)


def recount(session: Session) -> None:
    """Count every task and application again from their rows (after rows were written with SQL)."""
    session.execute(delete(TaskCount))
    session.execute(delete(ApplicationCount))
    delivered = Task.delivered_at.is_not(None)
    lead = func.coalesce(Task.lead_department_id, 0)
    for department_id, lead_id, status, handed, n in session.execute(
        select(Task.department_id, lead, Task.status, delivered, func.count()).group_by(
            Task.department_id, lead, Task.status, delivered
        )
    ):
        session.add(
            TaskCount(
                department_id=department_id,
                lead_department_id=lead_id,
                status=status,
                delivered=bool(handed),
                tasks=n,
            )
        )
    application_lead = func.coalesce(Application.lead_department_id, 0)
    for lead_id, status, n in session.execute(
        select(application_lead, Application.status, func.count()).group_by(
            application_lead, Application.status
        )
    ):
        session.add(ApplicationCount(lead_department_id=lead_id, status=status, applications=n))
    session.flush()


def stored_counts(session: Session) -> tuple[dict[TaskKey, int], dict[ApplicationKey, int]]:
    """The count rows as they stand, zeros left out (a check compares them with :func:`recount`'s)."""
    tasks = {
        (r.department_id, r.lead_department_id, r.status, r.delivered): r.tasks
        for r in session.scalars(select(TaskCount))
        if r.tasks
    }
    applications = {
        (r.lead_department_id, r.status): r.applications
        for r in session.scalars(select(ApplicationCount))
        if r.applications
    }
    return tasks, applications
