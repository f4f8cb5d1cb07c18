"""告知承诺制: a signed commitment stands for a material (or a condition) the item lists; the department may
approve on it, and then verifies (核查) it by a due date of its own. A commitment found false revokes the
result (see ``tasks.verify``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import clock
from ..models import ApplicationMaterial, Task
from ..states import MaterialState
from . import deferrals, work_calendar


def committed_for(session: Session, task: Task) -> list[ApplicationMaterial]:
    """The materials this task's item needs that a signed commitment replaced."""
    return [m for m in deferrals.needed_by(session, task) if m.status == MaterialState.COMMITTED]


def schedule_verification(session: Session, task: Task) -> None:
    """After an approval that rests on a commitment: the 核查 is due ``verify_days`` after it (in the
    item's unit); an approval that rests on none needs no verification."""
    if not committed_for(session, task):
        return
    task.verify_due = work_calendar.verify_due(session, task, work_calendar.current(session), clock.today())


def awaiting_verification(task: Task) -> bool:
    return task.verify_due is not None and task.verified_at is None
