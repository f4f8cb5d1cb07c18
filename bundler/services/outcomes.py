"""The reform measured from the applications themselves (seed 002 三(三): 减环节、减材料、减时限、减跑动),
for one bundle or the whole district, over whole months of acceptance: the sum of the rows
:mod:`.outcome_counts` keeps per bundle and month, so a year of applications costs a dozen rows.

* ``median_working_days`` / ``p90_working_days`` (nearest rank: the value at rank ⌈q·n⌉): from the day
  of acceptance to the day of completion on the district's calendar (``Application.working_days``),
  against ``promised_working_days`` (the promise the applicant was given) and
  ``separate_working_days`` (the items' promised limits added up, as if each were applied for
  separately, one after another).
* ``within_promise_share``: finished applications that took no more working days than promised.
* ``on_time_share``: decided steps within their item's promised limit (pauses left out), also per
  department.
* ``visits``: trips to the counter as logged there (one per application and day);
  ``at_most_one_visit_share`` (最多跑一次): finished applications with at most one.
* ``materials_collected`` (brought or uploaded) against ``materials_exempted`` (免交: an e-licence, or
  produced by a step inside the bundle); ``materials_committed`` (告知承诺 instead of the paper).
* ``once_done_share`` (一次办成): finished applications no step asked to correct (补正).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..models import Bundle, BundleVersion, Department, OutcomeMonth
from ..models.common import VERSION_PUBLISHED
from ..states import MaterialState
from . import outcome_counts
from .outcome_counts import Cohort

COLLECTED = (MaterialState.UPLOADED, MaterialState.COLLECTED, MaterialState.SUPPLIED, MaterialState.DEFERRED)
EXEMPTED = (MaterialState.E_LICENCE, MaterialState.PRODUCED)
MONTHS_SHOWN = 12  # the default period: this month and the eleven before
MAX_MONTHS = 36  # a period's monthly trend stays a readable table


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


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This month and the eleven before it: (first day, today)."""
    today = today or clock.today()
    return outcome_counts.recent_months(today)[-MONTHS_SHOWN], today


def figures_of(cohort: Cohort) -> dict[str, Any]:
    counts, days = cohort.counts, cohort.days
    return {
        "applications": counts["applications"],
        "finished": counts["finished"],
        "median_working_days": nearest_rank(days["working_days"], 0.5),
        "p90_working_days": nearest_rank(days["working_days"], 0.9),
        "promised_working_days": nearest_rank(days["promised_days"], 0.5),
        "separate_working_days": nearest_rank(days["separate_days"], 0.5),
        "within_promise_share": _share(counts["within_promise"], counts["promise_known"]),
        "on_time_share": _share(counts["steps_on_time"], counts["decided_steps"]),
        "online_share": _share(counts["online"], counts["applications"]),
        "visits": counts["visits"],
        "at_most_one_visit_share": _share(counts["at_most_one_visit"], counts["finished"]),
        "once_done_share": _share(counts["once_done"], counts["finished"]),
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
    default_first, today = default_period()
    first = first or default_first
    last = last or max(today, first)
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
    """The measured figures of ``bundle`` (None: the district) for the applications accepted in the
    months from ``first``'s to ``last``'s, with the monthly trend and the on-time share per department;
    ``refreshed_at``: when the oldest of the figures read was counted (None: not counted yet)."""
    months = outcome_counts.month_starts(first, last)
    query = select(OutcomeMonth).where(OutcomeMonth.month >= months[0], OutcomeMonth.month <= months[-1])
    if bundle is not None:
        query = query.where(OutcomeMonth.bundle_id == bundle.id)
    rows = session.scalars(query).all()
    by_month: dict[dt.date, Cohort] = defaultdict(Cohort)
    steps: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    materials: Counter[str] = Counter()
    for row in rows:
        by_month[row.month].add(Cohort.from_json(row.cohort))
        for department_id, (decided, on_time) in row.departments.items():
            steps[int(department_id)][0] += decided
            steps[int(department_id)][1] += on_time
        materials.update(row.materials)
    whole = Cohort()
    for cohort in by_month.values():
        whole.add(cohort)
    return {
        "bundle": bundle.code if bundle else None,
        "from": months[0].isoformat(),
        "to": (clock.next_month(months[-1]) - dt.timedelta(days=1)).isoformat(),
        "refreshed_at": clock.local(min(r.refreshed_at for r in rows)).isoformat(timespec="minutes")
        if rows
        else None,
        **figures_of(whole),
        "materials_collected": sum(materials[str(s)] for s in COLLECTED),
        "materials_exempted": sum(materials[str(s)] for s in EXEMPTED),
        "materials_committed": materials[str(MaterialState.COMMITTED)],
        "departments": _departments(session, steps),
        "monthly": [{"month": f"{m:%Y-%m}", **figures_of(by_month.get(m, Cohort()))} for m in months],
    }


def _departments(session: Session, steps: Mapping[int, list[int]]) -> list[dict[str, Any]]:
    found = session.execute(
        select(Department.id, Department.code, Department.name).where(Department.id.in_(steps))
    )
    return [
        {
            "code": code,
            "name": name,
            "decided": steps[id_][0],
            "on_time": steps[id_][1],
            "on_time_share": _share(steps[id_][1], steps[id_][0]),
        }
        for id_, code, name in sorted(found, key=lambda row: row.code)
    ]
