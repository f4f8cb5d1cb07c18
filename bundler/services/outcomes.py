"""The reform measured from the applications themselves (seed 002 三(三): 减环节、减材料、减时限、减跑动),
for one bundle or the whole district, over the months of acceptance asked for.

Every figure is counted in the database with grouped queries over the applications accepted in the
period (a cohort by month of acceptance): working days are small whole numbers, so their medians come
from a histogram (nearest rank: the value at rank ⌈q·n⌉), not from loading applications.

* ``median_working_days`` / ``p90_working_days``: from the day of acceptance to the day of completion
  on the district's calendar (``Application.working_days``), against ``promised_working_days`` (the
  promise the applicant was given) and ``separate_working_days`` (the items' promised limits added up,
  as if each were applied for separately, one after another).
* ``within_promise_share``: finished applications that took no more working days than promised.
* ``on_time_share``: decided steps within their item's promised limit (pauses left out), also per
  department.
* ``visits``: trips to the counter as logged there (one per application and day); ``at_most_one_visit_share``
  (最多跑一次): finished applications with at most one.
* ``materials_collected`` (brought or uploaded) against ``materials_exempted`` (免交: an e-licence, or
  produced by a step inside the bundle); ``materials_committed`` (告知承诺 instead of the paper).
* ``once_done_share`` (一次办成): finished applications no step asked to correct (补正).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, literal_column, select
from sqlalchemy.orm import Session

from .. import clock
from ..models import (
    Application,
    ApplicationMaterial,
    Bundle,
    BundleVersion,
    Department,
    ItemVersion,
    Task,
    TaskPause,
    Visit,
)
from ..models.common import VERSION_PUBLISHED
from ..states import FINISHED_STATES, Channel, MaterialState, PauseKind

COLLECTED = (MaterialState.UPLOADED, MaterialState.COLLECTED, MaterialState.SUPPLIED, MaterialState.DEFERRED)
EXEMPTED = (MaterialState.E_LICENCE, MaterialState.PRODUCED)
MONTHS_SHOWN = 12  # the default period: this month and the eleven before
MAX_MONTHS = 36  # a period's monthly trend stays a readable table
MONTH: ColumnElement[str] = literal_column("month")  # grouped by the bucket labelled so in Scope.bucket


@dataclass(frozen=True)
class Figure:
    """One figure as the page, the spreadsheet and the document name it."""

    key: str
    label: str
    kind: str  # count, days or share

    def shown(self, value: Any) -> str:
        if value is None:
            return "—"
        return f"{value * 100:.1f}%" if self.kind == "share" else str(value)


FIGURES: tuple[Figure, ...] = (
    Figure("applications", "受理件数", "count"),
    Figure("finished", "办结件数", "count"),
    Figure("median_working_days", "实际用时中位数（工作日）", "days"),
    Figure("p90_working_days", "实际用时第 90 百分位（工作日）", "days"),
    Figure("promised_working_days", "承诺时限中位数（工作日）", "days"),
    Figure("separate_working_days", "分别办理时承诺时限之和中位数（工作日）", "days"),
    Figure("within_promise_share", "承诺时限内办结比例", "share"),
    Figure("on_time_share", "环节按时办结率", "share"),
    Figure("online_share", "网上申请比例", "share"),
    Figure("visits", "窗口到访次数", "count"),
    Figure("at_most_one_visit_share", "最多跑一次比例", "share"),
    Figure("once_done_share", "一次办成比例", "share"),
)
MATERIAL_FIGURES: tuple[Figure, ...] = (
    Figure("materials_collected", "收取的材料（份）", "count"),
    Figure("materials_exempted", "免交的材料：电子证照或本件事内产生（份）", "count"),
    Figure("materials_committed", "以告知承诺代替的材料（份）", "count"),
)


class PeriodError(ValueError):
    pass


def nearest_rank(histogram: Mapping[int, int], q: float) -> int | None:
    """The value at rank ⌈q·n⌉ of the values counted in ``histogram`` (value -> how many)."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to n")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This month and the eleven before it: (first day, last day)."""
    today = today or clock.today()
    first = month_start(today)
    for _ in range(MONTHS_SHOWN - 1):
        first = month_start(first - dt.timedelta(days=1))
    return first, today


@dataclass
class Cohort:
    """The figures of the applications accepted in one month (or the whole period)."""

    applications: int = 0
    online: int = 0
    finished: int = 0
    working_days: Counter[int] = field(default_factory=Counter)
    promised_days: Counter[int] = field(default_factory=Counter)
    separate_days: Counter[int] = field(default_factory=Counter)
    within_promise: int = 0
    promise_known: int = 0
    once_done: int = 0
    visits: int = 0
    at_most_one_visit: int = 0
    decided_steps: int = 0
    steps_on_time: int = 0

    def add(self, other: Cohort) -> None:
        for name in ("applications", "online", "finished", "within_promise", "promise_known", "once_done"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("visits", "at_most_one_visit", "decided_steps", "steps_on_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.working_days.update(other.working_days)
        self.promised_days.update(other.promised_days)
        self.separate_days.update(other.separate_days)

    def figures(self) -> dict[str, Any]:
        return {
            "applications": self.applications,
            "finished": self.finished,
            "median_working_days": nearest_rank(self.working_days, 0.5),
            "p90_working_days": nearest_rank(self.working_days, 0.9),
            "promised_working_days": nearest_rank(self.promised_days, 0.5),
            "separate_working_days": nearest_rank(self.separate_days, 0.5),
            "within_promise_share": _share(self.within_promise, self.promise_known),
            "on_time_share": _share(self.steps_on_time, self.decided_steps),
            "online_share": _share(self.online, self.applications),
            "visits": self.visits,
            "at_most_one_visit_share": _share(self.at_most_one_visit, self.finished),
            "once_done_share": _share(self.once_done, self.finished),
        }


@dataclass(frozen=True)
class Scope:
    """Which applications: those of one bundle (any of its versions) or the district's, accepted from
    ``first`` to ``last`` (local days, both included)."""

    bundle_id: int | None
    first: dt.date
    last: dt.date

    def months(self) -> list[dt.date]:
        found, month = [], month_start(self.first)
        while month <= self.last:
            found.append(month)
            month = next_month(month)
        return found

    def bucket(self) -> ColumnElement[str]:
        """The month of acceptance (``YYYY-MM``), as a CASE over the local month boundaries."""
        whens = [
            (Application.accepted_at < clock.start_of_local_day(next_month(m)), literal(f"{m:%Y-%m}"))
            for m in self.months()
        ]
        return case(*whens, else_=literal("")).label("month")

    def where(self) -> list[ColumnElement[bool]]:
        conditions = [
            Application.accepted_at >= clock.start_of_local_day(self.first),
            Application.accepted_at < clock.start_of_local_day(self.last + dt.timedelta(days=1)),
        ]
        if self.bundle_id is not None:
            conditions.append(
                Application.bundle_version_id.in_(
                    select(BundleVersion.id).where(BundleVersion.bundle_id == self.bundle_id)
                )
            )
        return conditions

    def select(self, *columns: Any) -> Select[Any]:
        """``columns`` per month of acceptance (the caller adds FROM and joins)."""
        return select(self.bucket(), *columns).where(*self.where()).group_by(MONTH)


def _finished() -> ColumnElement[bool]:
    return Application.status.in_([str(s) for s in FINISHED_STATES])


def _cohorts(session: Session, scope: Scope) -> dict[str, Cohort]:
    months: dict[str, Cohort] = defaultdict(Cohort)
    for month, applications, online in session.execute(
        scope.select(func.count(), func.count().filter(Application.channel == Channel.ONLINE)).select_from(
            Application
        )
    ):
        months[month].applications += applications
        months[month].online += online
    asked_to_correct = exists(
        select(TaskPause.id)
        .join(Task, Task.id == TaskPause.task_id)
        .where(Task.application_id == Application.id, TaskPause.kind == PauseKind.SUPPLEMENT)
    )
    trips = (
        select(Visit.application_id, func.count().label("trips")).group_by(Visit.application_id).subquery()
    )
    trips_made = func.coalesce(trips.c.trips, 0)
    for month, worked, promised, separate, once, made, count in session.execute(
        select(
            scope.bucket(),
            Application.working_days,
            Application.promised_days,
            Application.separate_days,
            ~asked_to_correct,
            trips_made,
            func.count(),
        )
        .select_from(Application)
        .outerjoin(trips, trips.c.application_id == Application.id)
        .where(*scope.where(), _finished())
        .group_by(
            MONTH,
            Application.working_days,
            Application.promised_days,
            Application.separate_days,
            ~asked_to_correct,
            trips_made,
        )
    ):
        cohort = months[month]
        cohort.finished += count
        if worked is not None:
            cohort.working_days[worked] += count
            if promised is not None:
                cohort.promise_known += count
                cohort.within_promise += count if worked <= promised else 0
        if promised is not None:
            cohort.promised_days[promised] += count
        if separate is not None:
            cohort.separate_days[separate] += count
        cohort.once_done += count if once else 0
        cohort.at_most_one_visit += count if made <= 1 else 0
    for month, made in session.execute(
        scope.select(func.count(Visit.id))
        .select_from(Visit)
        .join(Application, Application.id == Visit.application_id)
    ):
        months[month].visits += made
    for month, decided, on_time in session.execute(_decided_steps(scope.select())):
        months[month].decided_steps += decided
        months[month].steps_on_time += on_time
    return months


def _decided_steps(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """Decided steps of the scope's applications: how many, and within their item's promised limit."""
    return (
        query.add_columns(func.count(), func.count().filter(Task.days_used <= ItemVersion.promised_days))
        .select_from(Task)
        .join(Application, Application.id == Task.application_id)
        .join(ItemVersion, ItemVersion.id == Task.item_version_id)
        .where(Task.days_used.is_not(None))
    )


def _departments(session: Session, scope: Scope) -> list[dict[str, Any]]:
    rows = session.execute(
        _decided_steps(select(Department.code, Department.name).where(*scope.where()))
        .join(Department, Department.id == Task.department_id)
        .group_by(Department.code, Department.name)
        .order_by(Department.code)
    ).all()
    return [
        {
            "code": code,
            "name": name,
            "decided": decided,
            "on_time": on_time,
            "on_time_share": _share(on_time, decided),
        }
        for code, name, decided, on_time in rows
    ]


def _materials(session: Session, scope: Scope) -> dict[str, int]:
    counted = dict(
        session.execute(
            select(ApplicationMaterial.status, func.count())
            .join(Application, Application.id == ApplicationMaterial.application_id)
            .where(*scope.where())
            .group_by(ApplicationMaterial.status)
        ).all()
    )

    def total(states: Iterable[str]) -> int:
        return sum(int(counted.get(str(s), 0)) for s in states)

    return {
        "materials_collected": total(COLLECTED),
        "materials_exempted": total(EXEMPTED),
        "materials_committed": total([MaterialState.COMMITTED]),
    }


def published_bundle(session: Session, code: str) -> Bundle | None:
    """The bundle of that code, when a version of it was published (applications can exist)."""
    return session.scalar(
        select(Bundle).where(
            Bundle.code == code,
            select(BundleVersion.id)
            .where(BundleVersion.bundle_id == Bundle.id, BundleVersion.status == VERSION_PUBLISHED)
            .exists(),
        )
    )


def period(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, the default's ends filling what was not given. Raises ``PeriodError``."""
    default_first, default_last = default_period()
    first, last = first or default_first, last or max(default_last, first or default_last)
    if last < first:
        raise PeriodError("结束日期不能早于开始日期")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise PeriodError(f"期间最长 {MAX_MONTHS} 个月")
    return first, last


def parse_day(typed: str | None) -> dt.date | None:
    """A day as typed in a form or a query (年-月-日); None when left empty."""
    typed = (typed or "").strip()
    if not typed:
        return None
    try:
        return dt.date.fromisoformat(typed)
    except ValueError:
        raise PeriodError(f"“{typed[:20]}”不是有效日期，请按 年-月-日 填写（如 2026-11-01）") from None


def period_of(first: str | None, last: str | None) -> tuple[dt.date, dt.date]:
    """The period typed in a page's form (``from``, ``to``). Raises ``PeriodError``."""
    return period(parse_day(first), parse_day(last))


def report(session: Session, *, bundle: Bundle | None, first: dt.date, last: dt.date) -> dict[str, Any]:
    """The measured figures of ``bundle`` (None: the district) for applications accepted from ``first``
    to ``last``, with the monthly trend and the on-time share per department."""
    scope = Scope(bundle.id if bundle else None, first, last)
    months = _cohorts(session, scope)
    whole = Cohort()
    for cohort in months.values():
        whole.add(cohort)
    return {
        "bundle": bundle.code if bundle else None,
        "from": first.isoformat(),
        "to": last.isoformat(),
        **whole.figures(),
        **_materials(session, scope),
        "departments": _departments(session, scope),
        "monthly": [
            {"month": f"{m:%Y-%m}", **months.get(f"{m:%Y-%m}", Cohort()).figures()} for m in scope.months()
        ],
    }
