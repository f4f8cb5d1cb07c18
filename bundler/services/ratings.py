"""好差评: ratings after completion, and the follow-up of bad ones by the lead department."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..clock import utcnow
from ..models import Application, BundleVersion, Department, ItemVersion, Rating, RatingCount, Task
from ..states import FINISHED_STATES, FollowUpState, TaskState, labels
from . import paging


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
            application=application,
            lead_department_id=application.lead_department_id,
            task_id=task_id,
            score=score,
            comment=(comment or "").strip() or None,
        )
        if rating.is_bad:
            rating.follow_up = FollowUpState.OPEN
        session.add(rating)
        ratings.append(rating)
    return ratings


PAGE_SIZE = 30  # bad ratings on one page


@dataclass
class BadRatings:
    ratings: list[Rating]
    total: int
    page: int
    pages: int


def _bad_ratings(department_id: int | None) -> Select[Any]:
    query = select(Rating).where(Rating.follow_up.is_not(None))
    return query if department_id is None else query.where(Rating.lead_department_id == department_id)


def bad_ratings_for_lead(session: Session, department_id: int | None, page: int = 1) -> BadRatings:
    """A page of the bad ratings of the bundles a lead department owns (every bundle for an
    administrator: None), open ones first, the newest first; only what the list shows is loaded.

    The counts come from ``rating_counts``; the page is read in two parts (the open ones, then the
    closed ones), each in the order of the lead department's index, so no match is sorted."""
    counted = select(RatingCount.follow_up, func.sum(RatingCount.ratings)).group_by(RatingCount.follow_up)
    if department_id is not None:
        counted = counted.where(RatingCount.lead_department_id == department_id)
    by_state = {state: int(n) for state, n in session.execute(counted) if n}
    closed = by_state.get(FollowUpState.CLOSED, 0)
    total = sum(by_state.values())
    still_open = total - closed
    page, pages = paging.clamp(total, page, PAGE_SIZE)
    start = (page - 1) * PAGE_SIZE
    found: list[Rating] = []
    if start < still_open:
        found += _rating_page(session, department_id, False, start, PAGE_SIZE)
    if len(found) < PAGE_SIZE and closed:
        found += _rating_page(
            session, department_id, True, max(0, start - still_open), PAGE_SIZE - len(found)
        )
    return BadRatings(found, total, page, pages)


def _rating_page(
    session: Session, department_id: int | None, closed: bool, offset: int, limit: int
) -> list[Rating]:
    state = Rating.follow_up == FollowUpState.CLOSED if closed else Rating.follow_up != FollowUpState.CLOSED
    query = _bad_ratings(department_id).where(state)
    return list(
        session.scalars(
            query.options(  # loaded by primary key once the page is chosen (a join would join every match)
                selectinload(Rating.application)
                .load_only(Application.id, Application.tracking_no, Application.bundle_version_id)
                .joinedload(Application.bundle_version)
                .load_only(BundleVersion.id, BundleVersion.name),
                selectinload(Rating.task)
                .load_only(Task.id, Task.item_version_id, Task.department_id, Task.per_role, Task.person)
                .options(
                    joinedload(Task.item_version).load_only(ItemVersion.id, ItemVersion.name),
                    joinedload(Task.department).load_only(Department.id, Department.name),
                ),
            )
            .order_by(Rating.id.desc())
            .offset(offset)
            .limit(limit)
        )
    )


def lead_may_follow_up(session: Session, rating_id: int, department_id: int | None) -> Rating | None:
    """The bad rating, if it is one of the lead department's bundles (any, for None)."""
    return session.scalar(_bad_ratings(department_id).where(Rating.id == rating_id))


def follow_up(rating: Rating, state: str, note: str) -> None:
    if state not in labels(FollowUpState):
        raise RatingError("跟进状态无效")
    if state == FollowUpState.CLOSED and not note.strip():
        raise RatingError("办结差评须写明核实整改和回访情况")
    rating.follow_up = state
    rating.follow_up_note = note.strip() or rating.follow_up_note
    rating.followed_up_at = utcnow()
