"""Dates as the service centre sees them (China Standard Time).

Moments are stored in UTC (``models.common.utcnow``); SQLite gives them back without a zone, so
:func:`local` reads a naive value as UTC. Dates that count working days use :func:`today` in China.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import overload
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(CHINA)


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
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)
