"""好差评: ratings after completion, and the follow-up of bad ones by the lead department."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..models import Application, BundleVersion, Rating
from ..states import FINISHED_STATES, FollowUpState, TaskState, labels


class RatingError(ValueError):
    """A rating that cannot be given; the message is Chinese."""


def rate(
    session: Session, application: Application, scores: Mapping[int | None, tuple[int, str]]
) -> list[Rating]:
    """Rate the whole service (key None) and each department's step (key: task id), once each."""
    if application.status not in FINISHED_STATES:  # completed, or partly done after a refusal
        raise RatingError("办结后才能评价")
    if session.scalar(select(Rating.id).where(Rating.application_id == application.id).limit(1)) is not None:
        raise RatingError("已经评价过了，感谢您的反馈")
    if None not in scores:
        raise RatingError("请对整体服务评分")
    tasks = {t.id: t for t in application.tasks if t.status in (TaskState.DONE, TaskState.REJECTED)}
    ratings = []
    for task_id, (score, comment) in scores.items():
        if task_id is not None and task_id not in tasks:
            raise RatingError("只能评价本申请中已办结的事项")
        if not 1 <= score <= 5:
            raise RatingError("评分为 1 到 5 星")
        rating = Rating(
            application=application, task_id=task_id, score=score, comment=(comment or "").strip() or None
        )
        if rating.is_bad:
            rating.follow_up = FollowUpState.OPEN
        session.add(rating)
        ratings.append(rating)
    return ratings


def bad_ratings_for_lead(session: Session, department_id: int | None) -> list[Rating]:
    """Bad ratings of the bundles a lead department owns (all of them for an administrator: None)."""
    query = (
        select(Rating)
        .join(Application, Rating.application_id == Application.id)
        .join(BundleVersion, Application.bundle_version_id == BundleVersion.id)
        .where(Rating.follow_up.is_not(None))
        .order_by(Rating.follow_up == FollowUpState.CLOSED, Rating.id.desc())
    )
    if department_id is not None:
        query = query.where(BundleVersion.lead_department_id == department_id)
    return list(session.scalars(query))


def follow_up(rating: Rating, state: str, note: str) -> None:
    if state not in labels(FollowUpState):
        raise RatingError("跟进状态无效")
    if state == FollowUpState.CLOSED and not note.strip():
        raise RatingError("办结差评须写明核实整改和回访情况")
    rating.follow_up = state
    rating.follow_up_note = note.strip() or rating.follow_up_note
    rating.followed_up_at = utcnow()
