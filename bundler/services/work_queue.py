"""A department's work, a page at a time: the queue page and the department tasks API read one page of
tasks in index order (department, state, due date) and only the columns they show, so that a year of
applications costs what one page costs.

The queue shows the running work (待办理 and 办理中) by due date: red, yellow and green follow from the
date alone. Paused tasks (补正, 特别程序) wait on someone else and have their own filter.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, load_only

from ..models import Application, Delivery, Department, Item, ItemVersion, Task, TaskCount
from ..states import OPEN_TASKS, RUNNING_TASKS, DeliveryState, TaskState
from . import paging

PAGE_SIZE = 30  # rows of the queue page
API_LIMIT = 50  # tasks per API answer unless ``limit`` says otherwise
API_MAX_LIMIT = 500
API_MAX_PAGE = 1_000_000  # a page number an API accepts (500 a page: far beyond any list's end)
_LARGEST_ID = 2**63 - 1  # what a database integer holds: a larger id in a cursor is not one we gave out

# The queue's filters: value → (label, states). The first is the default.
FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("待办（待办理和办理中）", RUNNING_TASKS),
    TaskState.READY.value: ("待办理", (TaskState.READY,)),
    TaskState.IN_PROGRESS.value: ("办理中", (TaskState.IN_PROGRESS,)),
    TaskState.PAUSED.value: ("暂停计时（补正、特别程序）", (TaskState.PAUSED,)),
}


def _by_due(query: Any) -> Any:
    """Nearest due date first, undated last: the order of the department indexes (PostgreSQL reads a
    page straight from them)."""
    return query.order_by(Task.due_date.asc().nulls_last(), Task.id)


@dataclass
class QueuePage:
    tasks: list[Task]
    total: int  # tasks of the filter
    page: int
    pages: int
    status: str  # the filter
    counts: dict[str, int] = field(default_factory=dict)  # per state, delivered open tasks

    def count(self, value: str) -> int:
        """The tasks of a filter."""
        return _in_filter(self.counts, value)


def _in_filter(counts: dict[str, int], value: str) -> int:
    return sum(counts.get(state, 0) for state in FILTERS[value][1])


def department_queue(session: Session, department_id: int, status: str = "", page: int = 1) -> QueuePage:
    """One page of the department's delivered open tasks of a filter (unknown filters: the default)."""
    status = status if status in FILTERS else ""
    states = FILTERS[status][1]
    counts = task_counts(session, department_id, OPEN_TASKS, delivered=True)
    total = _in_filter(counts, status)
    page, pages = paging.clamp(total, page, PAGE_SIZE)
    query = (
        select(Task)
        .where(Task.department_id == department_id, Task.status.in_(states), Task.delivered_at.is_not(None))
        .options(  # what the list shows, no more: the application's data stays encrypted and unread
            load_only(
                Task.id,
                Task.application_id,
                Task.item_version_id,
                Task.status,
                Task.due_date,
                Task.ready_at,
                Task.per_role,
                Task.person,
            ),
        )
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    tasks = list(session.scalars(_by_due(_listed(query))))
    return QueuePage(tasks, total, page, pages, status, counts)


def task_counts(
    session: Session,
    department_id: int,
    states: tuple[str, ...] | None = None,
    *,
    delivered: bool | None = None,
) -> dict[str, int]:
    """The department's tasks per state (of these states; handed over or not), from ``task_counts``."""
    query = select(TaskCount.status, func.sum(TaskCount.tasks)).where(
        TaskCount.department_id == department_id
    )
    if states is not None:
        query = query.where(TaskCount.status.in_(states))
    if delivered is not None:
        query = query.where(TaskCount.delivered.is_(delivered))
    return {status: int(n) for status, n in session.execute(query.group_by(TaskCount.status)) if n}


class CursorError(ValueError):
    """A cursor this API did not give out; the message is Chinese."""


def _cursor(due: dt.date | None, task_id: int) -> str:
    raw = f"{due.isoformat() if due else ''}:{task_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after(cursor: str) -> tuple[dt.date | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due, _, task_id = raw.partition(":")
        after = (dt.date.fromisoformat(due) if due else None), int(task_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError("cursor 无效：请使用上一页应答中的 next_cursor") from None
    if not 0 <= after[1] <= _LARGEST_ID:
        raise CursorError("cursor 无效：请使用上一页应答中的 next_cursor")
    return after


@dataclass
class TaskRow:
    id: int
    application_id: int
    item: str
    status: str
    due_date: dt.date | None
    ready_at: dt.datetime | None


@dataclass
class TaskListing:
    rows: list[TaskRow]
    total: int
    next_cursor: str | None


def task_listing(
    session: Session, department_code: str, status: str | None, limit: int, cursor: str | None
) -> TaskListing:
    """The department's tasks (of one state, or all but skipped) by due date, ``limit`` after ``cursor``.
    Raises :class:`CursorError`."""
    department_id = session.scalar(select(Department.id).where(Department.code == department_code))
    where = [Task.department_id == department_id]
    where.append(Task.status == status if status else Task.status != TaskState.SKIPPED)
    counted = task_counts(session, department_id or 0)
    total = counted.get(status, 0) if status else sum(counted.values()) - counted.get(TaskState.SKIPPED, 0)
    query = (
        select(
            Task.id, Task.application_id, Item.code.label("item"), Task.status, Task.due_date, Task.ready_at
        )
        .join(Item, Item.id == Task.item_id)
        .where(*where)
    )
    if cursor:
        due, task_id = _after(cursor)
        if due is None:
            query = query.where(Task.due_date.is_(None), Task.id > task_id)
        else:
            query = query.where(
                or_(
                    Task.due_date.is_(None),
                    Task.due_date > due,
                    and_(Task.due_date == due, Task.id > task_id),
                )
            )
    rows = [
        TaskRow(r.id, r.application_id, r.item, r.status, r.due_date, r.ready_at)
        for r in session.execute(_by_due(query).limit(limit + 1))
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    return TaskListing(rows, total, _cursor(rows[-1].due_date, rows[-1].id) if more else None)


def _listed(query: Select[Any]) -> Select[Any]:
    """Load a task's application and item version with the columns a list shows only."""
    return query.options(
        joinedload(Task.application).load_only(
            Application.id, Application.tracking_no, Application.subject_label
        ),
        joinedload(Task.item_version).load_only(ItemVersion.id, ItemVersion.name),
    )


def failed_deliveries(session: Session, department_id: int, limit: int = 50) -> list[Delivery]:
    """Deliveries to the department's own system that used up their retries, newest first."""
    query = (
        select(Delivery)
        .join(Task, Task.id == Delivery.task_id)
        .where(Task.department_id == department_id, Delivery.status == DeliveryState.FAILED)
        .options(
            joinedload(Delivery.task)
            .joinedload(Task.application)
            .load_only(Application.id, Application.tracking_no, Application.subject_label),
            joinedload(Delivery.task)
            .joinedload(Task.item_version)
            .load_only(ItemVersion.id, ItemVersion.name),
        )
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def handed_again(session: Session, department_id: int, limit: int = 20) -> list[Task]:
    """Tasks delivered again after their first delivery (an earlier step's result corrected, a 补正
    answered), the latest first."""
    query = _listed(
        select(Task)
        .where(Task.department_id == department_id, Task.redelivered_at.is_not(None))
        .order_by(Task.redelivered_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def verifications_due(session: Session, department_id: int, limit: int = 50) -> list[Task]:
    """告知承诺 approvals whose 核查 is still open, the nearest first."""
    query = _listed(
        select(Task)
        .where(
            Task.department_id == department_id,
            Task.verify_due.is_not(None),
            Task.verified_at.is_(None),
            Task.status == TaskState.DONE,
        )
        .order_by(Task.verify_due, Task.id)
        .limit(limit)
    )
    return list(session.scalars(query))
