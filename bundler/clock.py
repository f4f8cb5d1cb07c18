"""The one clock of the service: every moment and date the code reads comes from here (tests move it
with time-machine). Dates as the service centre sees them are China Standard Time.

Moments are stored in UTC (:func:`utcnow`); SQLite gives them back without a zone, so
:func:`local` reads a naive value as UTC. Dates that count working days use :func:`today` in China.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
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


@overload
def local(moment: datetime) -> datetime: ...
@overload
def local(moment: None) -> None: ...
def local(moment: datetime | None) -> datetime | None:
    """A stored moment in China Standard Time (SQLite returns naive UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)
