"""好差评: ratings after completion, and the follow-up of bad ones by the lead department."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import clock
from ..models import Application, BundleVersion, Department, ItemVersion, Rating, RatingCount, Task
from ..models.ratings import BAD_SCORE
from ..states import (
    FINISHED_STATES,
    OPEN_CASES,
    ApplicationState,
    FollowUpState,
    RatingChannel,
    RatingLevel,
    RatingOccasion,
    TaskState,
    values,
)
from . import paging
from .adjustments import due_after


class RatingError(ValueError):
    """A rating that cannot be given; the message is Chinese."""


# What the applicant may tick with a rating (the national 好差评 reasons, shortened for a phone).
GOOD_REASONS = ("办事指南清楚", "一次办成", "材料精简", "办理快", "服务热情", "网上办理方便")
BAD_REASONS = (
    "办事指南不清楚",
    "多次跑动",
    "材料要求多",
    "办理时间长",
    "服务态度差",
    "系统不好用",
    "收费不规范",
    "其他",
)
CASE_RULE = "bad_rating"  # the working days of a 差评 case (adjustments.DEFAULT_RULES; 5 by default)


@dataclass(frozen=True)
class Score:
    """One rating asked for: of a step (its task) or of the whole service (None)."""

    task_id: int | None
    level: str  # a RatingLevel value ("5" … "1") or its label ("非常满意" … "非常不满意")
    reasons: Sequence[str] = ()
    comment: str = ""


def level_of(value: str | int | None) -> RatingLevel:
    """A level from its value or its Chinese label; Chinese message otherwise."""
    text = str(value if value is not None else "").strip()
    for level in RatingLevel:
        if text in (level.value, level.label):
            return level
    raise RatingError("评价等级只能是：" + "、".join(level.label for level in RatingLevel))


def occasion_of(application: Application, channel: str) -> RatingOccasion:
    """The point of the service a rating now answers to: the results, a refusal (一次性告知) or the
    acceptance (at the counter's 评价器, or later through the link of a notice)."""
    if application.status in FINISHED_STATES:
        return RatingOccasion.FINISHED
    if application.status == ApplicationState.REFUSED:
        return RatingOccasion.REFUSED
    if application.accepted_at is not None:
        return RatingOccasion.ACCEPTED
    if channel == RatingChannel.COUNTER:
        raise RatingError("受理或暂不受理后才能在窗口评价")
    raise RatingError("受理、暂不受理或办结后才能评价")


def occasion_now(application: Application) -> RatingOccasion | None:
    """The point of the service an applicant can rate now (None for a draft)."""
    try:
        return occasion_of(application, RatingChannel.ONLINE)
    except RatingError:
        return None


def rate(
    session: Session, application: Application, scores: Sequence[Score], *, channel: str
) -> list[Rating]:
    """Record the ratings (one per step and occasion); each 不满意 or worse opens a case with its due date."""
    if channel not in values(RatingChannel):
        raise RatingError("评价渠道无效")
    occasion = occasion_of(application, channel)
    rateable = {t.id: t for t in rateable_steps(application)}
    given = set(
        session.scalars(
            select(func.coalesce(Rating.task_id, 0)).where(
                Rating.application_id == application.id, Rating.occasion == occasion
            )
        )
    )
    ratings = []
    for score in scores:
        if score.task_id is not None and score.task_id not in rateable:
            raise RatingError(
                "只能评价本申请中已办结的事项"
                if occasion == RatingOccasion.FINISHED
                else f"{occasion.label}只能评价整体服务"
            )
        if (score.task_id or 0) in given:
            raise RatingError("已经评价过了，感谢您的反馈")
        level = level_of(score.level)
        allowed = BAD_REASONS if int(level) <= BAD_SCORE else GOOD_REASONS
        unknown = [r for r in score.reasons if r not in allowed]
        if unknown:
            raise RatingError(f"“{level.label}”的原因只能从以下选择：" + "、".join(allowed))
        task = rateable.get(score.task_id) if score.task_id is not None else None
        rating = Rating(
            application=application,
            lead_department_id=application.lead_department_id,
            task=task,
            score=int(level),
            reasons=list(dict.fromkeys(score.reasons)),
            comment=(score.comment or "").strip()[:500] or None,
            channel=channel,
            occasion=occasion,
        )
        if rating.is_bad:
            rating.follow_up = FollowUpState.OPEN
            rating.department_id = task.department_id if task else None  # None: the service centre
            rating.due_date = due_after(session, clock.today(), CASE_RULE)
        session.add(rating)
        given.add(score.task_id or 0)
        ratings.append(rating)
    return ratings


def rateable_steps(application: Application) -> list[Task]:
    """The steps a rating may be about besides the whole service: the decided ones, once the
    application is finished (before that, only the whole service is rated)."""
    if application.status not in FINISHED_STATES:
        return []
    return [t for t in application.tasks if t.status in (TaskState.DONE, TaskState.REJECTED)]


def task_for_step(application: Application, code: str | None) -> int | None:
    """The task an API rating of the step ``code`` is about (the first person's, for a step run per
    person); None for the whole service."""
    if code is None:
        return None
    found = [t for t in application.tasks if t.item.code == code]
    if not found:
        raise RatingError(f"本申请没有事项“{code}”")
    return min(found, key=lambda t: t.person).id


def rated_already(session: Session, application: Application, channel: str) -> bool:
    """Whether the whole service was rated at the point the application is now at (through ``channel``)."""
    try:
        occasion = occasion_of(application, channel)
    except RatingError:
        return False
    return (
        session.scalar(
            select(Rating.id)
            .where(
                Rating.application_id == application.id,
                Rating.occasion == occasion,
                Rating.task_id.is_(None),
            )
            .limit(1)
        )
        is not None
    )


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
    closed = sum(n for state, n in by_state.items() if state not in OPEN_CASES)
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
    state = Rating.follow_up.not_in(OPEN_CASES) if closed else Rating.follow_up.in_(OPEN_CASES)
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
