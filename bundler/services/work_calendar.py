"""The working-day calendar a district keeps (法定节假日与调休), and what publishing a year changes.

The database is the calendar: each year's holidays and 调休 working days, seeded from ``chinesecalendar``
for the years it covers. A year without a published arrangement is provisional: it counts weekends
only and every date counted through it is an estimate, shown as one. When the State Council's notice
comes out, an administrator enters or imports the year; publishing it recomputes every open due date
and promised date that reaches into it, audits the change and tells each applicant whose date moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, selectinload

import graphs

from .. import clock
from ..catalogue.definitions import commitment_verify_days, pinned, plan_for
from ..models import Application, CalendarYear, Task
from ..states import ACCEPTED_STATES, CalendarYearState, TaskState
from .audit import audit
from .notifications import notify

FIRST_YEAR, LAST_YEAR = 1990, 2100  # years a calendar page or file may name


class CalendarProblem(ValueError):
    """A year's arrangement that cannot be taken; the message is Chinese."""


# --- reading ----------------------------------------------------------------------------------------

_cached: tuple[Any, graphs.WorkCalendar] | None = None
_IN_TRANSACTION = "work_calendar"  # session.info key: the calendar this transaction has looked at


def current(session: Session) -> graphs.WorkCalendar:
    """The calendar as stored now (built again only after a year changed, in any process).

    Whether a year changed is asked once per transaction: an acceptance dates its steps, its promise
    and its 容缺 materials on one calendar, and pays for one look rather than one per date."""
    seen = session.info.get(_IN_TRANSACTION)
    if seen is not None:
        return seen
    global _cached
    with session.no_autoflush:  # rows the caller has not written yet do not change the calendar
        count, updated = session.execute(select(func.count(), func.max(CalendarYear.updated_at))).one()
    stamp = (count, updated)
    if _cached is None or _cached[0] != stamp:
        _cached = (stamp, _build(session.scalars(select(CalendarYear)).all(), updated))
    session.info[_IN_TRANSACTION] = _cached[1]
    return _cached[1]


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, *_: Any) -> None:
    """Committed, rolled back (a savepoint too) or closed: the next transaction looks again."""
    session.info.pop(_IN_TRANSACTION, None)


@event.listens_for(Session, "before_flush")
def _forget_on_change(session: Session, *_: Any) -> None:
    """A year written in this transaction (entered, published) counts from the next date on."""
    if any(isinstance(row, CalendarYear) for row in (*session.new, *session.dirty, *session.deleted)):
        _forget(session)


def _build(rows: Iterable[CalendarYear], updated: dt.datetime | None) -> graphs.WorkCalendar:
    published = [r for r in rows if r.status == CalendarYearState.PUBLISHED]
    version = f"{clock.local(updated):%Y-%m-%d %H:%M} 修订" if updated else "未录入"
    return graphs.WorkCalendar(
        holidays=frozenset(dt.date.fromisoformat(d) for r in published for d in r.holidays),
        workdays=frozenset(dt.date.fromisoformat(d) for r in published for d in r.workdays),
        published=frozenset(r.year for r in published),
        version=version,
        source="本区工作日历",
    )


@dataclass(frozen=True)
class YearView:
    """One year as the page, the API and the CLI show it."""

    year: int
    status: str
    holidays: list[str]
    workdays: list[str]
    source: str | None
    updated_at: dt.datetime | None
    updated_by: str | None

    @property
    def status_label(self) -> str:
        return CalendarYearState(self.status).label

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "status": self.status,
            "status_label": self.status_label,
            "holidays": self.holidays,
            "workdays": self.workdays,
            "source": self.source,
            "updated_at": clock.local(self.updated_at).isoformat() if self.updated_at else None,
        }


def year_view(session: Session, year: int) -> YearView:
    check_year(year)
    row = session.get(CalendarYear, year)
    if row is None:
        return YearView(year, CalendarYearState.PROVISIONAL, [], [], None, None, None)
    return YearView(
        year, row.status, list(row.holidays), list(row.workdays), row.source, row.updated_at, row.updated_by
    )


def years(session: Session) -> list[YearView]:
    """Every stored year and the next two (provisional until someone enters them), newest first."""
    stored = {r.year for r in session.scalars(select(CalendarYear))}
    this_year = clock.today().year
    wanted = stored | {this_year, this_year + 1}
    return [year_view(session, y) for y in sorted(wanted, reverse=True)]


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarProblem(f"年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间：{year}")


# --- entering a year --------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearEntry:
    """A year's arrangement as entered: checked, sorted, ready to publish."""

    year: int
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]


def year_entry(year: Any, holidays: Iterable[Any], workdays: Iterable[Any]) -> YearEntry:
    """Check an arrangement: real dates of that year, 调休 days on weekends, no day both."""
    if isinstance(year, bool) or not isinstance(year, int):
        try:
            year = int(str(year).strip())
        except ValueError:
            raise CalendarProblem(f"年份“{year}”不是整数") from None
    check_year(year)
    days_off = _dates(holidays, "节假日", year)
    days_on = _dates(workdays, "调休上班日", year)
    weekdays = [d for d in days_on if d.weekday() < 5]
    if weekdays:
        raise CalendarProblem(
            "调休上班日应是周末，以下日期本来就是工作日：" + "、".join(d.isoformat() for d in weekdays)
        )
    both = sorted(set(days_off) & set(days_on))
    if both:
        raise CalendarProblem("以下日期同时列为节假日和调休上班日：" + "、".join(d.isoformat() for d in both))
    return YearEntry(year, days_off, days_on)


def _dates(values: Iterable[Any], what: str, year: int) -> tuple[dt.date, ...]:
    found: set[dt.date] = set()
    for value in values:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            text = str(value).strip()
            if not text:
                continue
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                raise CalendarProblem(f"{what}“{text}”不是日期，请写成 {year}-01-01 的格式") from None
        if value.year != year:
            raise CalendarProblem(f"{what} {value.isoformat()} 不在 {year} 年内")
        found.add(value)
    return tuple(sorted(found))


def lines_of(text: str) -> list[str]:
    """Dates typed into a page: one per line, or separated by commas, 、 or spaces."""
    for separator in ",，、;；\t":
        text = text.replace(separator, " ")
    return text.split()


def parse_year_file(text: str) -> YearEntry:
    """A YAML file ``{year, holidays: [dates], workdays: [dates]}`` (``bundler holidays import``)."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CalendarProblem(f"文件不是有效的 YAML：{exc}") from None
    if not isinstance(loaded, Mapping) or "year" not in loaded:
        raise CalendarProblem(
            "文件须包含 year、holidays 和 workdays 三项，例如 {year: 2027, holidays: [...], workdays: [...]}"
        )
    unknown = sorted(set(map(str, loaded)) - {"year", "holidays", "workdays", "source"})
    if unknown:
        raise CalendarProblem("文件中有无法识别的项：" + "、".join(unknown))
    lists = {}
    for key, what in (("holidays", "holidays（节假日）"), ("workdays", "workdays（调休上班日）")):
        value = loaded.get(key) or []
        if not isinstance(value, list):
            raise CalendarProblem(f"{what}须是日期列表")
        lists[key] = value
    return year_entry(loaded["year"], lists["holidays"], lists["workdays"])


@dataclass
class Republished:
    """What publishing a year changed."""

    year: int
    tasks_moved: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)  # task id, old, new
    applications_moved: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (
            f"{self.year} 年工作日历已发布：{len(self.tasks_moved)} 个办理环节、"
            f"{len(self.applications_moved)} 件申请的期限随之重新计算"
            + ("，已通知期限变化的申请人。" if self.applications_moved else "。")
        )


def publish_year(session: Session, entry: YearEntry, *, source: str, actor: str) -> Republished:
    """Store the year as published (replacing what was there) and recompute what reaches into it."""
    row = session.get(CalendarYear, entry.year)
    before = (
        {"status": row.status, "holidays": list(row.holidays), "workdays": list(row.workdays)} if row else {}
    )
    if row is None:
        row = CalendarYear(year=entry.year)
        session.add(row)
    row.status = CalendarYearState.PUBLISHED
    row.holidays = [d.isoformat() for d in entry.holidays]
    row.workdays = [d.isoformat() for d in entry.workdays]
    row.source = (source or "管理员录入").strip()[:200]
    row.updated_by = actor[:200]
    row.updated_at = clock.utcnow()
    session.flush()
    after = {"status": row.status, "holidays": row.holidays, "workdays": row.workdays, "source": row.source}
    audit(
        session,
        actor,
        "calendar_published",
        before={"year": entry.year, **before},
        after={"year": entry.year, **after},
    )
    return recompute(session, entry.year, actor=actor)


def seed_from_package(session: Session, *, actor: str = "chinesecalendar") -> list[int]:
    """Add the years the installed ``chinesecalendar`` covers that the calendar lacks (a year already
    stored, published or entered by hand, is left alone). Returns the years added."""
    package = graphs.package_calendar()
    stored = set(session.scalars(select(CalendarYear.year)))
    added = sorted(package.published - stored)
    for year in added:
        session.add(
            CalendarYear(
                year=year,
                status=CalendarYearState.PUBLISHED,
                holidays=sorted(d.isoformat() for d in package.holidays if d.year == year),
                workdays=sorted(d.isoformat() for d in package.workdays if d.year == year),
                source=f"chinesecalendar {package.version}",
                updated_by=actor,
                updated_at=clock.utcnow(),
            )
        )
    session.flush()
    return added


# --- what a year changes ------------------------------------------------------------------------------


def task_due(task: Task, calendar: graphs.WorkCalendar) -> graphs.Deadline:
    """A step's due date: its promised days from the day it became ready (today for one becoming ready
    now), moved by the days its clock stood still (补正, 特别程序)."""
    version = task.item_version
    return graphs.add_days(
        clock.local(task.ready_at).date() if task.ready_at else clock.today(),
        version.promised_days + (task.paused_days or 0),
        version.days_unit,
        estimate=True,
        calendar=calendar,
    )


def days_used(
    ready_at: dt.datetime,
    finished_at: dt.datetime,
    paused_days: int,
    unit: str,
    calendar: graphs.WorkCalendar,
) -> int:
    """The days a step took from ready to decided, in its item's unit, the days its clock stood still
    left out."""
    start, end = clock.local(ready_at).date(), clock.local(finished_at).date()
    if unit == graphs.NATURAL_DAYS:
        elapsed = (end - start).days
    else:
        elapsed = graphs.working_days_between(start, end, estimate=True, calendar=calendar)
    return max(elapsed - (paused_days or 0), 0)


def due_is_estimate(calendar: graphs.WorkCalendar, start: dt.date | None, due: dt.date | None) -> bool:
    """True when a date counted from ``start`` to ``due`` runs through a provisional year."""
    if due is None:
        return False
    return bool(calendar.estimated_between(start or due, due))


def recompute(session: Session, year: int, *, actor: str) -> Republished:
    """Recompute the due dates of open steps and the promised dates of open applications that reach
    into ``year``; audit each change and tell each applicant whose promised date moved."""
    calendar = current(session)
    result = Republished(year)
    start_of_year = dt.date(year, 1, 1)
    open_states = (TaskState.READY, TaskState.IN_PROGRESS, TaskState.PAUSED)
    reaching = select(Task.application_id).where(Task.status.in_(open_states), Task.due_date >= start_of_year)
    applications = session.scalars(
        select(Application)
        .where(
            Application.status.in_(ACCEPTED_STATES),
            (Application.promised_date >= start_of_year) | Application.id.in_(reaching),
        )
        .options(selectinload(Application.tasks))
    ).all()
    _recompute_verifications(session, calendar, start_of_year, actor, result)
    for application in applications:
        for task in application.tasks:
            if task.status not in open_states or task.due_date is None:
                continue
            if task.due_date < start_of_year:
                continue  # it ends before the year: none of the year's days counted for it
            _move(session, task, "due_date", task_due(task, calendar).date, actor=actor, result=result)
        promised = application.promised_date
        if promised is None or application.accepted_at is None or promised < start_of_year:
            continue
        forecast = promised_forecast(session, application, calendar)
        if forecast.date != promised:
            application.promised_date = forecast.date
            application.calendar_note = forecast_note(forecast)
            audit(
                session,
                actor,
                "promise_recomputed",
                before={"application": application.id, "promised_date": promised.isoformat()},
                after={
                    "application": application.id,
                    "promised_date": forecast.date.isoformat(),
                    "year": year,
                },
            )
            notify(
                session,
                application,
                "promise_moved",
                old_date=promised.isoformat(),
                new_date=forecast.date.isoformat(),
                year=str(year),
            )
            result.applications_moved.append((application.id, promised, forecast.date))
        else:
            application.calendar_note = forecast_note(forecast)
    return result


def _recompute_verifications(
    session: Session, calendar: graphs.WorkCalendar, start: dt.date, actor: str, result: Republished
) -> None:
    """告知承诺 核查 still open whose due date reaches into the year: counted again from the approval."""
    waiting = session.scalars(
        select(Task).where(
            Task.verify_due >= start, Task.verified_at.is_(None), Task.finished_at.is_not(None)
        )
    ).all()
    for task in waiting:
        assert task.finished_at is not None  # the query asks for it
        approved_on = clock.local(task.finished_at).date()
        _move(
            session,
            task,
            "verify_due",
            verify_due(session, task, calendar, approved_on),
            actor=actor,
            result=result,
        )


def verify_due(session: Session, task: Task, calendar: graphs.WorkCalendar, approved_on: dt.date) -> dt.date:
    """When the 核查 of a result approved on a commitment (告知承诺) is due: the item's ``verify_days``
    after the approval, in the item's unit."""
    days = commitment_verify_days(pinned(session, task.application).items[task.item.code])
    return graphs.add_days(
        approved_on, days, task.item_version.days_unit, estimate=True, calendar=calendar
    ).date


def _move(
    session: Session, task: Task, attribute: str, new: dt.date, *, actor: str, result: Republished
) -> None:
    """Set a task's date to its recomputed value, audited, when it changed."""
    old = getattr(task, attribute)
    if new == old:
        return
    setattr(task, attribute, new)
    audit(
        session,
        actor,
        f"{attribute}_recomputed",
        task,
        before={attribute: old.isoformat()},
        after={attribute: new.isoformat(), "year": result.year},
    )
    result.tasks_moved.append((task.id, old, new))


def promised_forecast(
    session: Session,
    application: Application,
    calendar: graphs.WorkCalendar,
    *,
    started_on: dt.date | None = None,
) -> graphs.Forecast:
    """The promised completion date (承诺办结日期): the planned steps' promised limits, each in its own
    unit (工作日 or 自然日), counted from the day of acceptance on the district's calendar."""
    if started_on is None:
        assert application.accepted_at is not None, "only an accepted application has a promise"
        started_on = clock.local(application.accepted_at).date()
    planned = plan_for(session, application)
    return graphs.predict_completion(planned, started_on, estimate=True, calendar=calendar)


def forecast_note(forecast: graphs.Forecast | graphs.Deadline) -> str:
    """What an application says of how its promised date was counted."""
    return "；".join(filter(None, [f"本区工作日历 {forecast.calendar_version}", forecast.warning]))
