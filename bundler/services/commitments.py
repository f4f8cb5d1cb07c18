"""告知承诺制: a signed commitment stands for a material (or a condition) the item lists; the department may
approve on it, and then verifies (核查) it by a due date of its own. A commitment found false revokes the
result (see ``tasks.verify``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..catalogue.definitions import pinned
from ..models import ApplicationMaterial, Task
from ..states import MaterialState
from . import deferrals, work_calendar


def item_commitment(session: Session, task: Task) -> dict[str, Any]:
    """The item's ``commitment`` entry (``replaces``, ``verify_days``), empty when it has none."""
    entry = pinned(session, task.application).items[task.item.code].get("commitment")
    return dict(entry) if isinstance(entry, dict) else {}


def committed_for(session: Session, task: Task) -> list[ApplicationMaterial]:
    """The materials this task's item needs that a signed commitment replaced."""
    return [m for m in deferrals.needed_by(session, task) if m.status == MaterialState.COMMITTED]


def schedule_verification(session: Session, task: Task) -> None:
    """After an approval that rests on a commitment: the 核查 is due ``verify_days`` after it (in the
    item's unit); an approval that rests on none needs no verification."""
    if not committed_for(session, task):
        return
    days = int(item_commitment(session, task).get("verify_days") or 0)
    due = graphs.add_days(
        clock.today(),
        days,
        task.item_version.days_unit,
        estimate=True,
        calendar=work_calendar.current(session),
    )
    task.verify_due = due.date


def awaiting_verification(task: Task) -> bool:
    return task.verify_due is not None and task.verified_at is None
