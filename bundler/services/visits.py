"""Visits to the counter (跑动), logged where they happen: taking an application in (受理 or 一次性告知),
补正 or 容缺 materials brought in, a party confirming in person, results collected, or a clerk's own
entry for anything else. One row per application and day: a morning at three windows is one trip."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..models import Application, User, Visit
from ..states import Channel, VisitPurpose


def log_visit(session: Session, application: Application, purpose: VisitPurpose, *, actor: str) -> Visit:
    """Log that the applicant came today for ``purpose`` (added to today's visit when there is one)."""
    today = clock.today()
    visit = next(
        (
            v
            for v in session.new
            if isinstance(v, Visit) and v.application is application and v.visited_on == today
        ),
        None,
    )
    if visit is None and application.id is not None:
        visit = session.scalar(
            select(Visit).where(Visit.application_id == application.id, Visit.visited_on == today)
        )
    if visit is None:
        visit = Visit(application=application, visited_on=today, purposes=[], actor=actor)
        session.add(visit)
        application.visits = (application.visits or 0) + 1  # the report groups applications by their trips
    if purpose not in visit.purposes:
        visit.purposes = [*visit.purposes, str(purpose)]
    return visit


def log_submission(session: Session, application: Application, by: User | None) -> None:
    """受理 or 暂不受理 of an application brought to the counter (an online one needed no trip), by a
    clerk or through the window system's token."""
    if application.channel == Channel.ONLINE:
        return
    if by is not None:
        actor = f"综合窗口 {by.actor_label}"
    else:
        actor = f"窗口系统 令牌 {application.api_token_id}" if application.api_token_id else "窗口系统"
    log_visit(session, application, VisitPurpose.SUBMIT, actor=actor)


def visits_of(session: Session, application: Application) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit).where(Visit.application_id == application.id).order_by(Visit.visited_on)
        )
    )
