"""The catalogue's quality figures (seed 000, 001 五(一), 004 §32): for each published item how complete
its standard elements are, the half rule (承诺时限压缩一半以上), the visits it asks (最多跑一次), 即办件
or 承诺件, and the months since its last application (挂起 candidates); totals per department and for
the district, with the sampling checks of the guides (抽检: drawn, accurate, corrected, overdue).
``bundler catalogue report --json`` prints them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..catalogue.elements import completeness
from ..catalogue.queries import latest_item_versions
from ..catalogue.serialize import item_dict
from ..models import Application, Item, ItemVersion, Task
from ..states import TaskState
from . import guide_checks

DORMANT_MONTHS = 12  # 挂起 candidates: no application for a year or more (or never)


def kind_of(item: Mapping[str, Any]) -> str:
    """即办件 or 承诺件: as declared, else 即办件 when the promise is done on the spot (0 days)."""
    declared = item.get("kind")
    if declared in ("即办件", "承诺件"):
        return str(declared)
    return "即办件" if int(item.get("promised_days") or 0) == 0 else "承诺件"


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def _last_applications(session: Session) -> dict[str, date]:
    """The date of the latest application with a step of each item, by item code."""
    rows = session.execute(
        select(Item.code, func.max(Application.created_at))
        .join(ItemVersion, ItemVersion.item_id == Item.id)
        .join(Task, Task.item_version_id == ItemVersion.id)
        .join(Application, Application.id == Task.application_id)
        .where(Task.status != TaskState.SKIPPED)  # a step the scenario left out is not applied for
        .group_by(Item.code)
    ).all()
    return {code: clock.local(at).date() for code, at in rows if at is not None}


def _totals(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    judged = [r for r in rows if r["meets_half_rule"] is not None]
    return {
        "items": len(rows),
        "completeness": round(sum(r["completeness"] for r in rows) / len(rows), 4) if rows else 0.0,
        "meets_half_rule": sum(1 for r in judged if r["meets_half_rule"]),
        "half_rule_judged": len(judged),
        "at_most_one_visit": sum(1 for r in rows if r["visits"] is not None and r["visits"] <= 1),
        "visits_given": sum(1 for r in rows if r["visits"] is not None),
        "immediate": sum(1 for r in rows if r["kind"] == "即办件"),
        "dormant": sum(
            1
            for r in rows
            if r["months_since_last_application"] is None
            or r["months_since_last_application"] >= DORMANT_MONTHS
        ),
    }


def report(session: Session) -> dict[str, Any]:
    """The figures: ``items`` (one row each, by code), ``departments`` (by code) and ``district``."""
    today = clock.today()
    last = _last_applications(session)
    rows = []
    for code, version in sorted(latest_item_versions(session).items()):
        item = item_dict(version)
        legal = int(item.get("legal_days") or 0)
        rows.append(
            {
                "code": code,
                "name": item["name"],
                "department": item["department"],
                "completeness": completeness(item),
                "meets_half_rule": None if legal == 0 else not graphs.exceeds_half_of_legal(item),
                "visits": item.get("visits"),
                "kind": kind_of(item),
                "months_since_last_application": months_between(last[code], today) if code in last else None,
            }
        )
    departments = sorted({r["department"] for r in rows})
    checks = guide_checks.figures(session)
    none = guide_checks.Figures(0, 0, 0, 0, 0, 0)
    return {
        "items": rows,
        "departments": [
            {
                "code": d,
                **_totals([r for r in rows if r["department"] == d]),
                "guide_checks": checks.get(d, none).to_json(),
            }
            for d in departments
        ],
        "district": {**_totals(rows), "guide_checks": checks.get("", none).to_json()},
    }
