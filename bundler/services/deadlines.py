"""Time limits as a department sees them: 限时办结 with red and yellow flags (红黄牌)."""

from __future__ import annotations

from datetime import date

import graphs

from .. import clock
from ..models import Task
from ..states import TaskState

YELLOW_WITHIN = 1  # working days left at which a task is flagged yellow
_RANK = {"red": 0, "yellow": 1, "green": 2}


def urgency(task: Task) -> str:
    """red: past its limit; yellow: at most one working day left; else green (限时办结 / 红黄牌)."""
    if task.due_date is None or task.status == TaskState.PAUSED:
        return "green"
    left = graphs.working_days_between(clock.today(), task.due_date, estimate=True)
    if left < 0:
        return "red"
    return "yellow" if left <= YELLOW_WITHIN else "green"


def urgency_rank(task: Task) -> tuple[int, date]:
    """Red first, then yellow, then green; within a colour the nearest limit first."""
    return _RANK[urgency(task)], task.due_date or clock.today()
