"""Time limits as a department sees them: 限时办结 with red and yellow flags (红黄牌), and whether a due
date is final or an estimate (it runs through a year whose holidays are not yet published)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..models import Application, Task
from ..states import TaskState
from . import work_calendar

YELLOW_WITHIN = 1  # working days left at which a task is flagged yellow


@dataclass(frozen=True)
class DueDates:
    """The flags of due dates against one calendar (read once per page, used for every row)."""

    calendar: graphs.WorkCalendar

    def urgency(self, task: Task) -> str:
        """red: past its limit; yellow: at most one working day left; else green."""
        if task.due_date is None or task.status == TaskState.PAUSED:
            return "green"
        today = clock.today()
        left = graphs.working_days_between(today, task.due_date, estimate=True, calendar=self.calendar)
        if left < 0:
            return "red"
        return "yellow" if left <= YELLOW_WITHIN else "green"

    def is_estimate(self, task: Task) -> bool:
        """The due date runs through a provisional year of the calendar."""
        return self.dates_are_estimate(task.ready_at, task.due_date)

    def dates_are_estimate(self, ready_at: datetime | None, due: date | None) -> bool:
        """``is_estimate`` from a task's two columns (lists that load no task objects)."""
        ready = clock.local(ready_at).date() if ready_at else None
        return work_calendar.due_is_estimate(self.calendar, ready, due)

    def promise_is_estimate(self, application: Application) -> bool:
        """The promised completion date runs through a provisional year."""
        accepted = clock.local(application.accepted_at).date() if application.accepted_at else None
        return work_calendar.due_is_estimate(self.calendar, accepted, application.promised_date)


def due_dates(session: Session) -> DueDates:
    return DueDates(work_calendar.current(session))
