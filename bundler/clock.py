"""The one clock of the service: every moment and date the code reads comes from here (tests move it
with time-machine). Dates as the service centre sees them are China Standard Time.

Moments are stored in UTC (:func:`utcnow`); SQLite gives them back without a zone, so
:func:`stored` and :func:`local` read a naive value as UTC. Dates that count working days use :func:`today` in China.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import overload
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(CHINA)


def utcnow() -> datetime:
    """The moment to store (columns are UTC)."""
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def stored(moment: datetime) -> datetime:
    """A moment read from a column, zone-aware (SQLite returns naive UTC), to compare with utcnow()."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@overload
def local(moment: datetime) -> datetime: ...
@overload
def local(moment: None) -> None: ...
def local(moment: datetime | None) -> datetime | None:
    """A stored moment in China Standard Time (SQLite returns naive UTC)."""
    if moment is None:
        return None
    return stored(moment).astimezone(CHINA)


def start_of_local_day(day: date) -> datetime:
    """The stored (UTC) moment a day in China begins, to compare with columns."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(UTC)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def local_month(month: date) -> tuple[datetime, datetime]:
    """The stored (UTC) moments ``month`` (any day of it) begins and the next one begins, in China."""
    return start_of_local_day(month_start(month)), start_of_local_day(next_month(month))
