"""Keeps the count tables exact: every flush adds up how the tasks and applications it writes move
between the counted groups, and the commit adds the sums to the count rows, one statement per table,
keys in order (so two transactions never wait on each other's rows crosswise).

Every change of a task or an application goes through the ORM, so every change is counted; rows
written with SQL elsewhere (a migration, the scale benchmark's copies) are counted by :func:`recount`.
Each table is one :class:`Count` in ``COUNTS``: what it counts, its key, and the query that counts the
rows from scratch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..states import RUNNING_TASKS
from .applications import Application, Task
from .ratings import Rating
from .summaries import ApplicationCount, RatingCount, RunningDueCount, TaskCount

_PENDING = "counts"  # session.info key: the moves of this transaction, not yet added
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Count:
    """One count table: the rows of ``source`` it counts, grouped by ``key`` (``None``: not counted)."""

    model: Any
    source: type
    keys: tuple[str, ...]  # the count table's key columns, in the order ``key`` gives them
    column: str  # the count
    watched: tuple[str, ...]  # the source's attributes a change of which can move a row between groups
    key: Callable[[Callable[[str], Any]], Key | None]  # from the source's attribute values
    grouped: Callable[[], Any]  # the key columns and count(*), counted from the source rows

    def upsert(self, insert: Any) -> Any:
        """INSERT … ON CONFLICT DO UPDATE: a new count row, or the count added to the existing one."""
        statement = insert(self.model)
        column = self.model.__table__.c[self.column]
        return statement.on_conflict_do_update(
            index_elements=list(self.keys), set_={self.column: column + statement.excluded[self.column]}
        )


def _task_key(value: Callable[[str], Any]) -> Key:
    return (
        value("department_id"),
        value("lead_department_id") or 0,
        value("status"),
        value("delivered_at") is not None,
    )


def _running_due_key(value: Callable[[str], Any]) -> Key | None:
    """Running work with a due date, by that date: overdue is the sum before today."""
    if value("status") not in RUNNING_TASKS or value("due_date") is None:
        return None
    return (value("department_id"), value("lead_department_id") or 0, value("due_date"))


def _task_groups() -> Any:
    delivered, lead = Task.delivered_at.is_not(None), func.coalesce(Task.lead_department_id, 0)
    return select(Task.department_id, lead, Task.status, delivered, func.count()).group_by(
        Task.department_id, lead, Task.status, delivered
    )


def _running_due_groups() -> Any:
    lead = func.coalesce(Task.lead_department_id, 0)
    return (
        select(Task.department_id, lead, Task.due_date, func.count())
        .where(Task.status.in_(RUNNING_TASKS), Task.due_date.is_not(None))
        .group_by(Task.department_id, lead, Task.due_date)
    )


def _application_groups() -> Any:
    lead = func.coalesce(Application.lead_department_id, 0)
    return select(lead, Application.status, func.count()).group_by(lead, Application.status)


def _rating_groups() -> Any:
    lead = func.coalesce(Rating.lead_department_id, 0)
    return (
        select(lead, Rating.follow_up, func.count())
        .where(Rating.follow_up.is_not(None))
        .group_by(lead, Rating.follow_up)
    )


COUNTS = (
    Count(
        TaskCount,
        Task,
        ("department_id", "lead_department_id", "status", "delivered"),
        "tasks",
        ("status", "delivered_at"),
        _task_key,
        _task_groups,
    ),
    Count(
        RunningDueCount,
        Task,
        ("department_id", "lead_department_id", "due_date"),
        "tasks",
        ("status", "due_date"),
        _running_due_key,
        _running_due_groups,
    ),
    Count(
        ApplicationCount,
        Application,
        ("lead_department_id", "status"),
        "applications",
        ("status",),
        lambda value: (value("lead_department_id") or 0, value("status")),
        _application_groups,
    ),
    Count(
        RatingCount,
        Rating,
        ("lead_department_id", "follow_up"),
        "ratings",
        ("follow_up",),
        lambda value: (value("lead_department_id") or 0, value("follow_up")) if value("follow_up") else None,
        _rating_groups,
    ),
)


def _old_value_kept(target: Any, value: Any, old: Any, initiator: Any) -> None:
    """Nothing to do: listening with ``active_history`` is what keeps the old value."""


for _count in COUNTS:  # a watched value set on an expired row loads the old one first: the move is counted
    for _name in _count.watched:
        event.listen(getattr(_count.source, _name), "set", _old_value_kept, active_history=True)

_UPSERTS = {
    name: [count.upsert(insert) for count in COUNTS]
    for name, insert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}


def _now(row: Any) -> Callable[[str], Any]:
    return lambda name: getattr(row, name)


def _before(row: Any) -> Callable[[str], Any]:
    """The values the row had before this flush wrote it."""
    state = inspect(row).attrs

    def value(name: str) -> Any:
        history = state[name].history
        return history.deleted[0] if history.deleted else getattr(row, name)

    return value


def _changed(row: Any, names: tuple[str, ...]) -> bool:
    state = inspect(row).attrs
    return any(state[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    moves: list[Counter[Key]] = [Counter() for _ in COUNTS]

    def move(row: Any, *, was: bool, now: bool) -> None:
        for count, counter in zip(COUNTS, moves, strict=True):
            if not isinstance(row, count.source) or (was and now and not _changed(row, count.watched)):
                continue
            if was and (old := count.key(_before(row))) is not None:
                counter[old] -= 1
            if now and (new := count.key(_now(row))) is not None:
                counter[new] += 1

    for row in session.new:
        move(row, was=False, now=True)
    for row in session.dirty:
        move(row, was=True, now=True)
    for row in session.deleted:
        move(row, was=True, now=False)
    if any(any(counter.values()) for counter in moves):
        pending = session.info.setdefault(_PENDING, [Counter() for _ in COUNTS])
        for kept, counter in zip(pending, moves, strict=True):
            kept.update(counter)


@event.listens_for(Session, "before_commit")
def _add(session: Session) -> None:
    session.flush()  # what is still pending is counted too
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    upserts = _UPSERTS[session.get_bind().dialect.name]
    for count, upsert, counter in zip(COUNTS, upserts, pending, strict=True):
        rows = [
            {**dict(zip(count.keys, key, strict=True)), count.column: n}
            for key, n in sorted(counter.items(), key=lambda item: tuple(map(str, item[0])))
            if n
        ]
        if rows:
            session.execute(upsert, rows)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    """The transaction is over (committed: already added; rolled back or closed: nothing happened).
    A savepoint's end keeps what the transaction counted: begin_nested flushes, and counted, first."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def recount(session: Session) -> None:
    """Count every task, application and bad rating again from their rows (after rows were written with SQL)."""
    for count in COUNTS:
        session.execute(delete(count.model))
        rows = [
            {**dict(zip(count.keys, row[:-1], strict=True)), count.column: row[-1]}
            for row in session.execute(count.grouped())
        ]
        if rows:
            session.execute(count.model.__table__.insert(), rows)


def stored_counts(session: Session) -> list[dict[Key, int]]:
    """Each count table as it stands, zeros left out (a check compares them with :func:`recount`'s)."""
    found = []
    for count in COUNTS:
        table = count.model.__table__
        columns = [table.c[key] for key in count.keys]
        found.append(
            {
                tuple(row[:-1]): row[-1]
                for row in session.execute(select(*columns, table.c[count.column]))
                if row[-1]
            }
        )
    return found
