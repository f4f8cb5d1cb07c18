"""Deadlines in Chinese working days (weekends, public holidays and 调休 make-up days) or 自然日.

Counting rules:

* ``add_working_days(d, n)`` with ``n >= 1`` is the n-th working day after ``d`` (``d`` itself does not
  count); with ``n == 0`` it is ``d`` when ``d`` is a working day (即办件: same day), else the next one.
* ``add_days(d, n, "自然日")`` is ``d + n`` calendar days; when that day is not a working day the limit
  ends on the next working day (民法典第二百零三条: a period whose last day is a holiday ends the day
  after the holiday).
* ``working_days_between(a, b)`` counts the working days in ``(a, b]`` (negative when ``b < a``), so
  ``working_days_between(d, add_working_days(d, n).date) == n`` for ``n >= 1``; use it for overdue flags.
* A pause ``(start, end)`` (容缺 waiting for a material, 补正, a 特别程序) stops the clock for the days
  in ``(start, end]`` (working days, or every day for 自然日); it moves the paused step's due date by that
  many days and nothing else (other branches keep their clocks). An open pause (``end`` is ``None``)
  counts up to ``as_of``.

Which days are holidays is a :class:`WorkCalendar`: by default the ``chinesecalendar`` package's tables,
or one a caller builds (a district keeps its own in a database, entered from the State Council's notice).
A year the calendar has not *published* raises :class:`CalendarError`; nothing is guessed silently. A
caller that must still give a date (an acceptance receipt late in a year whose successor's holidays are
not yet published) passes ``estimate=True``: such years then count weekends only, and the result says so
in ``estimated_years`` and a Chinese ``warning``. Every computed date carries the calendar's version.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Literal

import chinese_calendar
import networkx as nx

from .bundle_graph import as_graph

Pause = tuple[dt.date, dt.date | None]
Basis = Literal["promised", "legal"]
WORKING_DAYS = "工作日"
NATURAL_DAYS = "自然日"
DAYS_UNITS = (WORKING_DAYS, NATURAL_DAYS)


class CalendarError(ValueError):
    """The working-day calendar cannot answer (year without data); the message is for people."""


def calendar_version() -> str:
    """Version of the installed ``chinesecalendar`` package (the default calendar's version)."""
    version = getattr(chinese_calendar, "__version__", None)
    if version:
        return str(version)
    from importlib.metadata import version as dist_version  # pragma: no cover

    return dist_version("chinesecalendar")  # pragma: no cover


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and 调休 working days of the years whose arrangements are published.

    ``holidays`` are days off that would otherwise be working days (or weekend days inside a holiday:
    both are simply "not a working day"); ``workdays`` are weekend days worked instead (调休). A year not in
    ``published`` is provisional: it counts weekends only, and only when the caller accepts an estimate.
    """

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    published: frozenset[int]
    version: str
    source: str = "工作日历"

    def is_workday(self, day: dt.date) -> bool:
        """Working day in a published year (raises :class:`CalendarError` for any other year)."""
        if day.year not in self.published:
            raise self.unknown_year(day)
        return self._workday(day)

    @cached_property
    def _adjustments(self) -> tuple[list[dt.date], list[dt.date]]:
        """The days that break the weekday rule, sorted: weekend days worked (调休) and weekdays off."""
        extra = sorted(d for d in self.workdays if d.weekday() >= 5)
        removed = sorted(d for d in self.holidays if d.weekday() < 5 and d not in self.workdays)
        return extra, removed

    def _workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def unknown_year(self, day: dt.date) -> CalendarError:
        known = f"{min(self.published)}–{max(self.published)} 年" if self.published else "任何年份"
        return CalendarError(
            f"{self.source}（{self.version}）尚未发布 {day.year} 年的节假日安排（已发布 {known}），"
            f"无法计算 {day.isoformat()} 前后的工作日；请按国务院办公厅通知录入 {day.year} 年的安排"
        )

    def estimated_between(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """The provisional years a date counted from ``start`` to ``end`` runs through."""
        low, high = sorted((_as_date(start).year, _as_date(end).year))
        return tuple(y for y in range(low, high + 1) if y not in self.published)


@lru_cache(maxsize=1)
def package_calendar() -> WorkCalendar:
    """The ``chinesecalendar`` package's tables, built once per process."""
    holidays = frozenset(chinese_calendar.holidays)
    years = {d.year for d in holidays}
    published = frozenset(range(min(years), max(years) + 1))
    return WorkCalendar(
        holidays, frozenset(chinese_calendar.workdays), published, calendar_version(), "chinesecalendar"
    )


class _Counter:
    """One computation against a calendar: it notes the provisional years it had to estimate."""

    def __init__(self, estimate: bool = False, calendar: WorkCalendar | None = None) -> None:
        self.calendar = calendar or package_calendar()
        self.estimate = estimate
        self.estimated: set[int] = set()
        self.version = self.calendar.version

    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.calendar.published:
            if not self.estimate:
                raise self.calendar.unknown_year(day)
            self.estimated.add(day.year)
            return day.weekday() < 5
        return self.calendar._workday(day)

    def add(self, start: dt.date, days: int, unit: str = WORKING_DAYS) -> dt.date:
        if days < 0:
            raise ValueError(f"期限天数不能为负数：{days}")
        day = start
        if unit == NATURAL_DAYS:
            day = start + dt.timedelta(days=days)
            days = 0  # then the next working day, when the limit ends on a day off
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
        """Working days in ``(start, end]``, a year at a time: the weekdays by arithmetic, then the
        published year's 调休 days added and its weekday holidays taken off (two binary searches), so
        that a due date a year away costs what tomorrow's does."""
        if end < start:
            return -self.between(end, start)
        count, last = 0, start
        while last < end:
            first = last + dt.timedelta(days=1)
            last = min(end, dt.date(first.year, 12, 31))
            count += _weekdays(first, last)
            if first.year in self.calendar.published:
                extra, removed = self.calendar._adjustments
                count += _within(extra, first, last) - _within(removed, first, last)
            elif not self.estimate:
                raise self.calendar.unknown_year(first)
            else:
                self.estimated.add(first.year)
        return count

    def paused(self, pauses: Iterable[Pause], as_of: dt.date | None, unit: str = WORKING_DAYS) -> int:
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
                if unit == NATURAL_DAYS or self.is_workday(day):
                    stopped.add(day)
        return len(stopped)


def _weekdays(first: dt.date, last: dt.date) -> int:
    """Monday-to-Friday days in ``[first, last]``."""
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    start = first.weekday()
    return weeks * 5 + sum((start + i) % 7 < 5 for i in range(rest))


def _within(days: list[dt.date], first: dt.date, last: dt.date) -> int:
    """How many of the sorted ``days`` fall in ``[first, last]``."""
    return bisect_right(days, last) - bisect_left(days, first)


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
    return f"工作日历尚未发布{listed}的法定节假日安排，该部分按周末估算，日期可能提前，以实际公布安排为准"


def is_workday(day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    """True on a Chinese working day (调休 Saturdays included, holidays excluded)."""
    return _Counter(calendar=calendar).is_workday(_as_date(day))


def add_days(
    start: dt.date,
    days: int,
    unit: str = WORKING_DAYS,
    *,
    estimate: bool = False,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """The limit ``days`` 工作日 (or 自然日) after ``start``; see the module's counting rules."""
    counter = _Counter(estimate, calendar)
    end = counter.add(_as_date(start), days, unit)
    return Deadline(end, counter.version, tuple(sorted(counter.estimated)))


def add_working_days(
    start: dt.date, days: int, *, estimate: bool = False, calendar: WorkCalendar | None = None
) -> Deadline:
    """The date ``days`` working days after ``start`` (0: ``start`` or the next working day)."""
    return add_days(start, days, WORKING_DAYS, estimate=estimate, calendar=calendar)


def working_days_between(
    start: dt.date, end: dt.date, *, estimate: bool = False, calendar: WorkCalendar | None = None
) -> int:
    """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
    return _Counter(estimate, calendar).between(_as_date(start), _as_date(end))


def paused_working_days(
    pauses: Iterable[Pause],
    as_of: dt.date | None = None,
    *,
    unit: str = WORKING_DAYS,
    estimate: bool = False,
    calendar: WorkCalendar | None = None,
) -> int:
    """Days during which the clock was stopped (overlapping pauses counted once)."""
    return _Counter(estimate, calendar).paused(pauses, _as_date(as_of) if as_of else None, unit)


def step_due(
    ready_on: dt.date,
    days: int,
    pauses: Iterable[Pause] = (),
    as_of: dt.date | None = None,
    *,
    unit: str = WORKING_DAYS,
    estimate: bool = False,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """A step's due date: ``days`` (in ``unit``) from when it became ready, moved by its pauses."""
    counter = _Counter(estimate, calendar)
    shift = counter.paused(pauses, _as_date(as_of) if as_of else None, unit)
    end = counter.add(_as_date(ready_on), days + shift, unit)
    return Deadline(end, counter.version, tuple(sorted(counter.estimated)))


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
    calendar: WorkCalendar | None = None,
) -> Forecast:
    """Predict when the application completes.

    A done step finishes on its ``done_on``. Another step becomes ready on its ``ready_on`` or, when
    not known yet, on the day its last predecessor finishes (``started_on`` without predecessors),
    and finishes its promised (or legal, ``basis="legal"``) days later (in the step's ``days_unit``),
    moved by its own pauses.
    With ``as_of``, an unfinished step is not predicted to finish before ``as_of``.
    """
    graph = as_graph(graph_or_plan)
    progress = progress or {}
    key = "promised_days" if basis == "promised" else "legal_days"
    cal = _Counter(estimate, calendar)
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
        unit = graph.nodes[node].get("days_unit") or WORKING_DAYS
        days = int(graph.nodes[node].get(key, 0) or 0) + cal.paused(known.pauses, today, unit)
        end = cal.add(ready, days, unit)
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
