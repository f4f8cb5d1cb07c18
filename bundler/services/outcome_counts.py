"""Counting the reform's figures from the applications, per bundle and month of acceptance, into
``outcome_months`` (read by :mod:`.outcomes`). A job recomputes the recent months every few minutes
(``OUTCOME_REFRESH_SECONDS``; the dispatcher enqueues it), ``bundler report refresh`` any months.

Each month is counted with a handful of grouped queries over that month's applications (by the
acceptance date, indexed): working days are small whole numbers, so they are kept as histograms, from
which the report takes medians and percentiles of any set of months without reading applications.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..models import Application, ApplicationMaterial, BundleVersion, ItemVersion, OutcomeMonth, Task
from ..states import FINISHED_STATES, Channel

COUNTS = (
    "applications",
    "online",
    "finished",
    "within_promise",
    "promise_known",
    "once_done",
    "visits",
    "at_most_one_visit",
    "decided_steps",
    "steps_on_time",
)
HISTOGRAMS = ("working_days", "promised_days", "separate_days")
RECENT_MONTHS = 13  # what the periodic job recounts: the default report's twelve and the one before


@dataclass
class Cohort:
    """The counts of a set of applications (one bundle's of one month, or any sum of those)."""

    counts: Counter[str] = field(default_factory=Counter)
    days: dict[str, Counter[int]] = field(default_factory=lambda: {name: Counter() for name in HISTOGRAMS})

    def add(self, other: Cohort) -> None:
        self.counts.update(other.counts)
        for name in HISTOGRAMS:
            self.days[name].update(other.days[name])

    def to_json(self) -> dict[str, Any]:
        return {
            **{name: self.counts[name] for name in COUNTS},
            **{name: {str(k): v for k, v in sorted(self.days[name].items())} for name in HISTOGRAMS},
        }

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> Cohort:
        cohort = cls(Counter({name: int(stored.get(name, 0)) for name in COUNTS}))
        for name in HISTOGRAMS:
            cohort.days[name] = Counter({int(k): int(v) for k, v in (stored.get(name) or {}).items()})
        return cohort


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from ``first``'s to ``last``'s."""
    found, month = [], clock.month_start(first)
    while month <= last:
        found.append(month)
        month = clock.next_month(month)
    return found


def recent_months(today: dt.date | None = None) -> list[dt.date]:
    today = today or clock.today()
    first = clock.month_start(today)
    for _ in range(RECENT_MONTHS - 1):
        first = clock.month_start(first - dt.timedelta(days=1))
    return month_starts(first, today)


def _accepted_in(month: dt.date) -> list[ColumnElement[bool]]:
    start, end = clock.local_month(month)
    return [Application.accepted_at >= start, Application.accepted_at < end]


BUNDLE = BundleVersion.bundle_id


def _applications(session: Session, month: dt.date, cohorts: dict[int, Cohort]) -> None:
    """One grouped read of the month's applications: everything the cohort counts is on their rows."""
    finished = Application.status.in_([str(s) for s in FINISHED_STATES])
    online = Application.channel == Channel.ONLINE
    columns = (
        online,
        finished,
        Application.working_days,
        Application.promised_days,
        Application.separate_days,
        Application.corrected,
        Application.visits,
    )
    for (
        bundle_id,
        is_online,
        is_finished,
        worked,
        promised,
        separate,
        corrected,
        made,
        count,
    ) in session.execute(
        select(BUNDLE, *columns, func.count())
        .join(BundleVersion, BundleVersion.id == Application.bundle_version_id)
        .where(*_accepted_in(month))
        .group_by(BUNDLE, *columns)
    ):
        counts = cohorts[bundle_id].counts
        counts.update(applications=count, online=count if is_online else 0, visits=count * (made or 0))
        if not is_finished:
            continue
        days = cohorts[bundle_id].days
        counts.update(
            finished=count, once_done=0 if corrected else count, at_most_one_visit=count if made <= 1 else 0
        )
        if worked is not None:
            days["working_days"][worked] += count
            if promised is not None:
                counts.update(promise_known=count, within_promise=count if worked <= promised else 0)
        if promised is not None:
            days["promised_days"][promised] += count
        if separate is not None:
            days["separate_days"][separate] += count


def _steps(session: Session, month: dt.date) -> dict[int, dict[str, list[int]]]:
    """Decided steps per bundle and department: how many, and within their item's promised limit."""
    found: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for bundle_id, department_id, decided, on_time in session.execute(
        select(
            BUNDLE,
            Task.department_id,
            func.count(),
            func.count().filter(Task.days_used <= ItemVersion.promised_days),
        )
        .join(Application, Application.id == Task.application_id)
        .join(BundleVersion, BundleVersion.id == Application.bundle_version_id)
        .join(ItemVersion, ItemVersion.id == Task.item_version_id)
        .where(*_accepted_in(month), Task.days_used.is_not(None))
        .group_by(BUNDLE, Task.department_id)
    ):
        found[bundle_id][str(department_id)] = [decided, on_time]
    return found


def _materials(session: Session, month: dt.date) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for bundle_id, status, count in session.execute(
        select(BUNDLE, ApplicationMaterial.status, func.count())
        .join(Application, Application.id == ApplicationMaterial.application_id)
        .join(BundleVersion, BundleVersion.id == Application.bundle_version_id)
        .where(*_accepted_in(month))
        .group_by(BUNDLE, ApplicationMaterial.status)
    ):
        found[bundle_id][status] = count
    return found


def refresh(session: Session, months: Iterable[dt.date] | None = None) -> int:
    """Recount the months named (default: the recent ones) for every bundle, in the caller's
    transaction; the number of bundle-months written."""
    written = 0
    now = clock.utcnow()
    for month in sorted({clock.month_start(m) for m in (months if months is not None else recent_months())}):
        cohorts: dict[int, Cohort] = defaultdict(Cohort)
        _applications(session, month, cohorts)
        steps, materials = _steps(session, month), _materials(session, month)
        for bundle_id, cohort in cohorts.items():
            for decided, on_time in steps.get(bundle_id, {}).values():
                cohort.counts.update(decided_steps=decided, steps_on_time=on_time)
        session.execute(delete(OutcomeMonth).where(OutcomeMonth.month == month))
        session.add_all(
            OutcomeMonth(
                bundle_id=bundle_id,
                month=month,
                cohort=cohort.to_json(),
                departments=steps.get(bundle_id, {}),
                materials=materials.get(bundle_id, {}),
                refreshed_at=now,
            )
            for bundle_id, cohort in cohorts.items()
        )
        written += len(cohorts)
    return written
