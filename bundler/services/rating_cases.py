"""差评 cases to the end (seed 004 §15, the "三个100%": every bad rating verified, rectified and followed
up): the department rated (or the service centre, for the whole service) verifies it with evidence
(核实) and, when it was true, says what it changed (整改); the lead department calls the applicant back
(回访) and closes it. While verifying or rectifying, a department may appeal (申诉); a reviewer upholds
the appeal (the rating is then not counted as bad) or sends the case back to where it was. A case is
due within the working days of the ``bad_rating`` rule from the day of the rating; past it, overdue.

Callers own the transaction; each step is written to the audit log with the application.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import clock
from ..clock import utcnow
from ..models import Application, Department, Rating, Task
from ..states import OPEN_CASES, FollowUpState, RevisitOutcome, values
from .audit import audit
from .ratings import RatingError

NOTE_LIMIT = 1000


def _note(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RatingError(f"请填写{what}")
    return text[:NOTE_LIMIT]


def _expect(case: Rating, *states: str) -> None:
    if case.follow_up not in states:
        current = FollowUpState(case.follow_up).label if case.follow_up else "不是差评"
        raise RatingError(f"该差评目前为“{current}”，不能进行这一步")


def _step(session: Session, case: Rating, actor: str, action: str, after: dict[str, Any]) -> None:
    case.followed_up_at = utcnow()
    audit(session, actor, action, case.task, after={"case": case.id, **after}, application=case.application)


def verify(session: Session, case: Rating, *, true: bool, evidence: str, actor: str) -> None:
    """核实: whether the complaint was true, and what shows it. A true one is to be rectified next; an
    untrue one goes straight to the call back, where the applicant hears what was found."""
    _expect(case, FollowUpState.OPEN)
    case.verified = true
    case.verify_note = _note(evidence, "核实情况和依据")
    case.verified_at = utcnow()
    case.follow_up = FollowUpState.FOLLOWING if true else FollowUpState.REVISITING
    _step(session, case, actor, "case_verified", {"verified": true})


def rectify(session: Session, case: Rating, *, note: str, actor: str) -> None:
    """整改: what the department changed; the case then waits for the lead department's call."""
    _expect(case, FollowUpState.FOLLOWING)
    case.rectify_note = _note(note, "整改措施")
    case.rectified_at = utcnow()
    case.follow_up = FollowUpState.REVISITING
    _step(session, case, actor, "case_rectified", {})


def revisit(session: Session, case: Rating, *, outcome: str, note: str, actor: str) -> None:
    """回访: the lead department called the applicant; what they said closes the case."""
    _expect(case, FollowUpState.REVISITING)
    if outcome not in values(RevisitOutcome):
        raise RatingError("请选择回访结果：" + "、".join(o.label for o in RevisitOutcome))
    case.revisit_outcome = outcome
    case.revisit_note = _note(note, "回访情况")
    case.revisited_at = utcnow()
    case.follow_up = FollowUpState.CLOSED
    _step(session, case, actor, "case_revisited", {"outcome": outcome})


def appeal(session: Session, case: Rating, *, reason: str, actor: str) -> None:
    """申诉: the department holds the rating unfounded (a malicious or mistaken one); a reviewer decides."""
    _expect(case, FollowUpState.OPEN, FollowUpState.FOLLOWING)
    case.appeal_reason = _note(reason, "申诉理由")
    case.appeal_from = case.follow_up
    case.follow_up = FollowUpState.APPEALED
    _step(session, case, actor, "case_appealed", {})


def decide_appeal(session: Session, case: Rating, *, upheld: bool, reasons: str, actor: str) -> None:
    """A reviewer upholds the appeal (the case ends, not counted as a bad rating) or rejects it (the
    case goes back to the step the appeal interrupted, its due date unchanged)."""
    _expect(case, FollowUpState.APPEALED)
    case.appeal_decision = _note(reasons, "裁定理由")
    case.follow_up = FollowUpState.WITHDRAWN if upheld else (case.appeal_from or FollowUpState.OPEN)
    _step(session, case, actor, "case_appeal_decided", {"upheld": upheld})


def is_overdue(case: Rating, today: dt.date | None = None) -> bool:
    return (
        case.follow_up in OPEN_CASES
        and case.due_date is not None
        and case.due_date < (today or clock.today())
    )


def case_of(session: Session, case_id: int, *, department_id: int | None | bool = False) -> Rating | None:
    """A case by id; with ``department_id``, only if it is that department's (None: the centre's)."""
    query = (
        select(Rating)
        .where(Rating.id == case_id, Rating.follow_up.is_not(None))
        .options(joinedload(Rating.task).joinedload(Task.item), joinedload(Rating.application))
    )
    if department_id is not False:
        query = query.where(
            Rating.department_id.is_(None) if department_id is None else Rating.department_id == department_id
        )
    return session.scalar(query)


def cases_of(
    session: Session, department_id: int | None, *, open_only: bool = True, limit: int = 200
) -> list[Rating]:
    """A department's cases (None: the service centre's), the earliest due first."""
    owner = Rating.department_id.is_(None) if department_id is None else Rating.department_id == department_id
    query = select(Rating).where(owner, Rating.follow_up.is_not(None))
    if open_only:
        query = query.where(Rating.follow_up.in_(OPEN_CASES))
    return list(
        session.scalars(
            query.options(
                joinedload(Rating.task).joinedload(Task.item),
                joinedload(Rating.application).load_only(
                    Application.id, Application.tracking_no, Application.bundle_version_id
                ),
            )
            .order_by(Rating.due_date, Rating.id)
            .limit(limit)
        )
    )


def appeals(session: Session) -> list[Rating]:
    """The appeals a reviewer is to decide, the oldest first."""
    return list(
        session.scalars(
            select(Rating)
            .where(Rating.follow_up == FollowUpState.APPEALED)
            .options(joinedload(Rating.task).joinedload(Task.item), joinedload(Rating.department))
            .order_by(Rating.followed_up_at, Rating.id)
        )
    )


@dataclass
class Hundreds:
    """The "三个100%" of one department (None: the centre) for one month of ratings."""

    department: str
    cases: int  # bad ratings counted (appeals upheld left out)
    verified: int
    to_rectify: int  # verified as true
    rectified: int
    revisited: int
    overdue: int

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    def to_json(self) -> dict[str, Any]:
        return {
            "department": self.department,
            "cases": self.cases,
            "verified_share": self.share(self.verified, self.cases),
            "rectified_share": self.share(self.rectified, self.to_rectify),
            "revisited_share": self.share(self.revisited, self.cases),
            "overdue": self.overdue,
        }


CENTRE = "政务服务中心"


def hundreds(session: Session, month: dt.date) -> list[Hundreds]:
    """Per department, the cases opened in ``month`` (its first day) and how many were verified,
    rectified (of those found true) and followed up, counted in the database."""
    start, end = clock.local_month(month)
    today = clock.today()
    rows = session.execute(
        select(
            Department.name,
            func.count(),
            func.count(Rating.verified_at),
            func.count(Rating.id).filter(Rating.verified.is_(True)),
            func.count(Rating.rectified_at),
            func.count(Rating.revisited_at),
            func.count(Rating.id).filter(Rating.follow_up.in_(OPEN_CASES), Rating.due_date < today),
        )
        .select_from(Rating)
        .outerjoin(Department, Department.id == Rating.department_id)
        .where(
            Rating.follow_up.is_not(None),
            Rating.follow_up != FollowUpState.WITHDRAWN,
            Rating.created_at >= start,
            Rating.created_at < end,
        )
        .group_by(Department.name)
        .order_by(Department.name)
    ).all()
    return [Hundreds(name or CENTRE, *counts) for name, *counts in rows]
