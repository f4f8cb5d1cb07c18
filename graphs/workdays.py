"""Deadlines in Chinese working days (weekends, public holidays and 调休 make-up days).

Counting rules:

* ``add_working_days(d, n)`` with ``n >= 1`` is the n-th working day after ``d`` (``d`` itself does not
  count); with ``n == 0`` it is ``d`` when ``d`` is a working day (即办件: same day), else the next one.
* ``working_days_between(a, b)`` counts the working days in ``(a, b]`` (negative when ``b < a``), so
  ``working_days_between(d, add_working_days(d, n).date) == n`` for ``n >= 1``; use it for overdue flags.
* A pause ``(start, end)`` (容缺 waiting for a material, 补正) stops the clock for the working days in
  ``(start, end]``; it moves the paused step's due date by that many working days and nothing else
  (other branches keep their clocks). An open pause (``end`` is ``None``) counts up to ``as_of``.

A date in a year the calendar package has no data for raises :class:`CalendarError`; nothing is guessed
silently. A caller that must still give a date (an acceptance receipt late in a year whose successor's
holidays are not yet published) passes ``estimate=True``: such years then count weekends only, and the
result says so in ``estimated_years`` and a Chinese ``warning``.
Every computed date carries the ``chinesecalendar`` version it was computed with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import chinese_calendar
import networkx as nx

from .bundle_graph import as_graph

Pause = tuple[dt.date, dt.date | None]
Basis = Literal["promised", "legal"]


class CalendarError(ValueError):
    """The working-day calendar cannot answer (year without data); the message is for people."""


def calendar_version() -> str:
    """Version of the installed ``chinesecalendar`` package (recorded with every deadline)."""
    version = getattr(chinese_calendar, "__version__", None)
    if version:
        return str(version)
    from importlib.metadata import version as dist_version  # pragma: no cover

    return dist_version("chinesecalendar")  # pragma: no cover


class _Calendar:
    """A view of the package's tables for one computation (nothing is kept between calls)."""

    def __init__(self, estimate: bool = False) -> None:
        self.estimate = estimate
        self.estimated: set[int] = set()
        self.holidays = chinese_calendar.holidays
        self.workdays = chinese_calendar.workdays
        years = [d.year for d in self.holidays]
        self.first, self.last = min(years), max(years)
        self.version = calendar_version()

    def is_workday(self, day: dt.date) -> bool:
        if not self.first <= day.year <= self.last:
            if self.estimate:
                self.estimated.add(day.year)
                return day.weekday() < 5
            raise CalendarError(
                f"工作日历（chinesecalendar {self.version}）没有 {day.year} 年的节假日安排，"
                f"只支持 {self.first}–{self.last} 年，无法计算 {day.isoformat()} 前后的工作日；"
                "请升级 chinesecalendar"
            )
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add(self, start: dt.date, days: int) -> dt.date:
        if days < 0:
            raise ValueError(f"工作日数不能为负数：{days}")
        day = start
        if days == 0:
            while not self.is_workday(day):
                day += dt.timedelta(days=1)
            return day
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def paused(self, pauses: Iterable[Pause], as_of: dt.date | None) -> int:
        stopped: set[dt.date] = set()
        for start, end in pauses:
            start = _as_date(start)
            if end is None:
                if as_of is None:
                    raise ValueError(f"暂停自 {start.isoformat()} 起尚未恢复，计算期限需要给出截止日期 as_of")
                end = as_of
            end = _as_date(end)
            day = start
            while day < end:
                day += dt.timedelta(days=1)
                if self.is_workday(day):
                    stopped.add(day)
        return len(stopped)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class Deadline:
    """A computed date and the calendar version it was computed with."""

    date: dt.date
    calendar_version: str
    estimated_years: tuple[int, ...] = ()

    @property
    def warning(self) -> str | None:
        return estimate_warning(self.estimated_years)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"date": self.date.isoformat(), "calendar_version": self.calendar_version}
        if self.estimated_years:
            data.update(estimated_years=list(self.estimated_years), warning=self.warning)
        return data


def estimate_warning(years: Iterable[int]) -> str | None:
    years = sorted(set(years))
    if not years:
        return None
    listed = "、".join(f"{y} 年" for y in years)
    return f"工作日历尚未收录{listed}的法定节假日安排，该部分按周末估算，日期可能提前，以实际公布安排为准"


def is_workday(day: dt.date) -> bool:
    """True on a Chinese working day (调休 Saturdays included, holidays excluded)."""
    return _Calendar().is_workday(_as_date(day))


def add_working_days(start: dt.date, days: int, *, estimate: bool = False) -> Deadline:
    """The date ``days`` working days after ``start`` (0: ``start`` or the next working day)."""
    cal = _Calendar(estimate)
    end = cal.add(_as_date(start), days)
    return Deadline(end, cal.version, tuple(sorted(cal.estimated)))


def working_days_between(start: dt.date, end: dt.date, *, estimate: bool = False) -> int:
    """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
    return _Calendar(estimate).between(_as_date(start), _as_date(end))


def paused_working_days(pauses: Iterable[Pause], as_of: dt.date | None = None) -> int:
    """Working days during which the clock was stopped (overlapping pauses counted once)."""
    return _Calendar().paused(pauses, _as_date(as_of) if as_of else None)


def step_due(
    ready_on: dt.date,
    days: int,
    pauses: Iterable[Pause] = (),
    as_of: dt.date | None = None,
    *,
    estimate: bool = False,
) -> Deadline:
    """A step's due date: ``days`` working days from when it became ready, moved by its pauses."""
    cal = _Calendar(estimate)
    shift = cal.paused(pauses, _as_date(as_of) if as_of else None)
    end = cal.add(_as_date(ready_on), days + shift)
    return Deadline(end, cal.version, tuple(sorted(cal.estimated)))


@dataclass(frozen=True)
class StepDates:
    """What is known of one step of an application; a skipped step has ``done_on`` = the skip date."""

    ready_on: dt.date | None = None
    done_on: dt.date | None = None
    pauses: tuple[Pause, ...] = ()


@dataclass(frozen=True)
class Forecast:
    """Predicted completion of an application, with each step's (actual or predicted) finish date.

    ``critical_path`` is the chain that decides the date, walked back from the last step to finish
    through the predecessor that finished last (smallest code on ties).
    """

    date: dt.date
    calendar_version: str
    finish: Mapping[str, dt.date] = field(default_factory=dict)
    critical_path: tuple[str, ...] = ()
    estimated_years: tuple[int, ...] = ()

    @property
    def warning(self) -> str | None:
        return estimate_warning(self.estimated_years)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.date.isoformat(),
            "calendar_version": self.calendar_version,
            "finish": {code: d.isoformat() for code, d in sorted(self.finish.items())},
            "critical_path": list(self.critical_path),
        }
        if self.estimated_years:
            data.update(estimated_years=list(self.estimated_years), warning=self.warning)
        return data


def _step_dates(value: StepDates | Mapping[str, Any] | None) -> StepDates:
    if value is None:
        return StepDates()
    if isinstance(value, StepDates):
        return value
    return StepDates(value.get("ready_on"), value.get("done_on"), tuple(value.get("pauses") or ()))


def predict_completion(
    graph_or_plan: Any,
    started_on: dt.date,
    progress: Mapping[str, StepDates | Mapping[str, Any]] | None = None,
    basis: Basis = "promised",
    as_of: dt.date | None = None,
    *,
    estimate: bool = False,
) -> Forecast:
    """Predict when the application completes.

    A done step finishes on its ``done_on``. Another step becomes ready on its ``ready_on`` or, when
    not known yet, on the day its last predecessor finishes (``started_on`` without predecessors),
    and finishes its promised (or legal, ``basis="legal"``) working days later, moved by its own pauses.
    With ``as_of``, an unfinished step is not predicted to finish before ``as_of``.
    """
    graph = as_graph(graph_or_plan)
    progress = progress or {}
    key = "promised_days" if basis == "promised" else "legal_days"
    cal = _Calendar(estimate)
    today = _as_date(as_of) if as_of else None
    finish: dict[str, dt.date] = {}
    for node in nx.topological_sort(graph):
        known = _step_dates(progress.get(node))
        if known.done_on is not None:
            finish[node] = _as_date(known.done_on)
            continue
        preds = graph.pred[node]
        if known.ready_on is not None:
            ready = _as_date(known.ready_on)
        elif preds:
            ready = max(finish[p] for p in preds)
        else:
            ready = _as_date(started_on)
        days = int(graph.nodes[node].get(key, 0) or 0) + cal.paused(known.pauses, today)
        end = cal.add(ready, days)
        finish[node] = max(end, today) if today else end
    if not finish:
        return Forecast(_as_date(started_on), cal.version)
    estimated = tuple(sorted(cal.estimated))
    last = min(finish, key=lambda n: (-finish[n].toordinal(), n))
    chain = [last]
    while graph.pred[chain[-1]]:
        preds = graph.pred[chain[-1]]
        chain.append(min(preds, key=lambda n: (-finish[n].toordinal(), n)))
    return Forecast(finish[last], cal.version, finish, tuple(reversed(chain)), estimated)
