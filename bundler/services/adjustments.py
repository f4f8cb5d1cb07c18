"""Adjustments on deadlines (调整时限): a catalogue change records when its cause arose (a law amended,
a State Council decision …) and whether it touches basic or individual elements; the rules table
(``adjustment_rules``, working days an administrator may edit) gives the date it is to be taken up by
(3 working days), published by (10 for basic elements, 5 for individual ones), and, for a request to the
upper level, the date its decision is due (5). Dates count working days on the holiday calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..models import AdjustmentRule, CatalogueChange, GuideCheckEntry, Rating
from ..states import OPEN_CASES, ChangeState, GuideCheckState
from . import work_calendar

SCOPES = {"basic": "基本要素", "individual": "个性要素"}
DONE = (ChangeState.PUBLISHED, ChangeState.WITHDRAWN)


class AdjustmentError(ValueError):
    """Deadline data that cannot be taken; the message is Chinese."""


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    working_days: int
    basis: str


# The seeds' rules; a row of ``adjustment_rules`` with the same key (an administrator's) takes precedence.
DEFAULT_RULES = (
    Rule("start", "调整事由发生后着手调整", 3, "《朔州市平鲁区政务服务事项动态管理办法（试行）》第十九条"),
    Rule("basic", "基本要素调整完成", 10, "南政办函〔2023〕58号 二（二）"),
    Rule("individual", "个性要素调整完成", 5, "南政办函〔2023〕58号 二（二）"),
    Rule("upper_decision", "上级作出调整决定", 5, "南政办函〔2023〕58号 二（三）"),
    Rule("guide_correction", "办事指南抽检问题整改", 5, "南政办函〔2023〕58号 二（二）"),
    Rule(
        "bad_rating",
        "差评核实、整改和回访办结",
        5,
        "汉台区政务服务“秦务员”能力提升实施方案 第15条（“三个100%”）",
    ),
)


def rules(session: Session) -> dict[str, Rule]:
    found = {r.key: r for r in DEFAULT_RULES}
    for row in session.scalars(select(AdjustmentRule)):
        found[row.key] = Rule(row.key, row.label, row.working_days, row.basis)
    return found


def set_rule(session: Session, key: str, working_days: int) -> None:
    """An administrator changes a rule's days (the open changes are scheduled again)."""
    rule = rules(session).get(key)
    if rule is None:
        raise AdjustmentError(f"没有“{key}”这条时限规则")
    if working_days < 0 or working_days > 60:
        raise AdjustmentError("时限应为 0 至 60 个工作日")
    row = session.scalar(select(AdjustmentRule).where(AdjustmentRule.key == key))
    if row is None:
        row = AdjustmentRule(key=key, label=rule.label, working_days=working_days, basis=rule.basis)
        session.add(row)
    row.working_days = working_days
    session.flush()
    for change in session.scalars(select(CatalogueChange).where(CatalogueChange.status.notin_(DONE))):
        schedule(session, change)
    if key == "guide_correction":  # the corrections still owed follow the new days too
        owed = select(GuideCheckEntry).where(GuideCheckEntry.status == GuideCheckState.FOUND)
        for entry in session.scalars(owed):
            if entry.checked_at is not None:
                entry.due_date = due_after(session, clock.local(entry.checked_at).date(), key)
    if key == "bad_rating":  # so do the 差评 cases still open
        for case in session.scalars(select(Rating).where(Rating.follow_up.in_(OPEN_CASES))):
            case.due_date = due_after(session, clock.local(case.created_at).date(), key)


def due_after(session: Session, start: dt.date, key: str) -> dt.date:
    """The date ``key``'s working days after ``start``, on the holiday calendar."""
    days = rules(session)[key].working_days
    return graphs.add_working_days(start, days, calendar=work_calendar.current(session)).date


def record_cause(
    change: CatalogueChange,
    *,
    cause: str,
    cause_date: dt.date | None,
    scope: str | None,
    upper_requested_on: dt.date | None = None,
) -> None:
    """What the change answers to; checked in Chinese (a cause in the future cannot have arisen)."""
    today = clock.today()
    if cause_date is not None and cause_date > today:
        raise AdjustmentError("调整事由发生日期不能晚于今天")
    if scope is not None and scope not in SCOPES:
        raise AdjustmentError("涉及要素只能是基本要素或个性要素")
    if upper_requested_on is not None and upper_requested_on > today:
        raise AdjustmentError("向上级提出申请的日期不能晚于今天")
    if cause_date is not None and scope is None:
        raise AdjustmentError("填写了调整事由发生日期时，请选择涉及基本要素还是个性要素")
    change.cause = cause.strip()[:200] or None
    change.cause_date = cause_date
    change.scope = scope
    change.upper_requested_on = upper_requested_on


def schedule(session: Session, change: CatalogueChange) -> None:
    """The dates the rules give for the change (none without a cause date)."""
    calendar = work_calendar.current(session)
    found = rules(session)

    def after(start: dt.date | None, key: str) -> dt.date | None:
        if start is None or key not in found:
            return None
        return graphs.add_working_days(start, found[key].working_days, calendar=calendar).date

    change.start_due = after(change.cause_date, "start")
    change.due_date = after(change.cause_date, change.scope or "")
    change.decision_due = after(change.upper_requested_on, "upper_decision")


@dataclass(frozen=True)
class Overdue:
    change: CatalogueChange
    reasons: list[str]


def overdue(session: Session, today: dt.date | None = None) -> list[Overdue]:
    """Open changes past a date the rules give, and published ones that were late, each with why."""
    today = today or clock.today()
    found = []
    changes = session.scalars(
        select(CatalogueChange)
        .where(CatalogueChange.cause_date.is_not(None) | CatalogueChange.upper_requested_on.is_not(None))
        .order_by(CatalogueChange.due_date, CatalogueChange.id)
    )
    for change in changes:
        if change.status == ChangeState.WITHDRAWN:
            continue
        finished = (
            clock.local(change.reviewed_at).date()
            if change.status == ChangeState.PUBLISHED and change.reviewed_at
            else None
        )
        reasons = []
        if change.due_date is not None and (finished or today) > change.due_date:
            late = "发布晚于" if finished else "已超过"
            reasons.append(
                f"{late}{SCOPES.get(change.scope or '', '')}调整期限 {change.due_date.isoformat()}"
            )
        if change.start_due is not None and clock.local(change.created_at).date() > change.start_due:
            reasons.append(f"调整事由发生后 {change.start_due.isoformat()} 前未着手调整")
        if (
            change.decision_due is not None
            and change.status != ChangeState.PUBLISHED
            and today > change.decision_due
        ):
            reasons.append(f"上级调整决定已超过答复期限 {change.decision_due.isoformat()}")
        if reasons:
            found.append(Overdue(change, reasons))
    return found
