"""The outbox: a ready task gets a ``Delivery`` row in the same transaction that made it ready.

The dispatcher hands pending rows to the department's rq queue (job id = delivery id, so a repeat is
harmless) and hands again the ones not delivered in time. Only the delivery job (``delivery.py``)
marks a delivery delivered. If Redis is down nothing is lost: the rows wait in the database.

``dispatch`` is a hand-off after the caller's commit: it works in a session of its own, so it never
commits or rolls back what the caller holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..channels import CHANNELS
from ..clock import utcnow
from ..extensions import db
from ..models import Application, Delivery, Task
from ..queues import SYSTEM_QUEUE, Job, delivery_queue_name, enqueue_all
from ..states import DeliveryState, TaskState
from . import notifications
from .audit import audit

MAX_ATTEMPTS = 5
REMINDER_INTERVAL = 600.0  # seconds between looks for 容缺 materials falling due
CLAIM_BATCH = 500


def new_delivery(session: Session, task: Task) -> Delivery:
    """A delivery of the task to its department, on the queue its channel is worked from (added to
    the caller's transaction)."""
    department = task.department
    remote = CHANNELS.get(department.channel).remote
    delivery = Delivery(task=task, queue=delivery_queue_name(department.code, remote=remote))
    session.add(delivery)
    return delivery


def open_deliveries(session: Session, application: Application) -> list[Delivery]:
    """A delivery row for every ready task that has none yet (in the caller's transaction)."""
    ready = [task for task in application.tasks if task.status == TaskState.READY]
    stored = [task.id for task in ready if task.id is not None]  # tasks just created have none yet
    existing = (
        set(session.scalars(select(Delivery.task_id).where(Delivery.task_id.in_(stored))))
        if stored
        else set()
    )
    created = []
    for task in ready:
        if task.id is None or task.id not in existing:
            created.append(new_delivery(session, task))
    return created


def dispatch(delivery_ids: list[int] | None = None, *, application_id: int | None = None) -> int:
    """Queue pending deliveries (all, the ones named, or an application's) and the queued ones not
    delivered within ``DELIVERY_ACK_SECONDS`` (their job may have died with its worker). The number
    queued; see :func:`hand_out`."""
    return hand_out(delivery_ids, application_id=application_id, notices=False).deliveries


def dispatch_application(application_id: int) -> int:
    """Right after an acceptance or a release is committed: queue its deliveries and its notices
    without waiting for the dispatcher loop (which remains the safety net). The number of deliveries
    queued."""
    return hand_out(application_id=application_id).deliveries


@dataclass(frozen=True)
class HandedOut:
    deliveries: int
    notices: int


def hand_out(
    delivery_ids: list[int] | None = None,
    *,
    application_id: int | None = None,
    deliveries: bool = True,
    notices: bool = True,
) -> HandedOut:
    """Queue what is due: deliveries (all, the ones named, or an application's) and the pending
    notices (all, or the application's), either unless told not to, claimed in one transaction and
    pushed in one Redis round trip.

    The rows are claimed first (deliveries marked queued, notices held for ``STALE_AFTER``; rows
    another dispatcher holds are skipped), then pushed to Redis; if Redis is down they are put back.
    A process that dies between the two leaves them claimed: the stale sweep hands them out again,
    and a job that arrives twice does its work once.
    """
    with Session(db.engine) as session:
        claimed = _claim(session, delivery_ids, application_id) if deliveries else []
        notice_ids = notifications.claim(session, application_id) if notices else []
        session.commit()
        if not claimed and not notice_ids:
            return HandedOut(0, 0)
        try:
            enqueue_all(
                [*_delivery_jobs(claimed), *notifications.jobs(notice_ids)],
                result_ttl=0,  # the database records each outcome and its next attempt (retries.py)
            )
        except (RedisError, OSError) as exc:
            if claimed:
                session.execute(
                    update(Delivery)
                    .where(
                        Delivery.id.in_([row.id for row in claimed]), Delivery.status == DeliveryState.QUEUED
                    )
                    .values(status=DeliveryState.PENDING, enqueued_at=None)
                )
            if notice_ids:
                notifications.release(session, notice_ids)
            session.commit()
            current_app.logger.warning(
                "deliveries and notices not queued (Redis unavailable), will retry: %s", exc
            )
            return HandedOut(0, 0)
        return HandedOut(len(claimed), len(notice_ids))


def _delivery_jobs(claimed: list[Any]) -> list[Job]:
    return [Job(name, "bundler.jobs.deliver_task", row_id, f"delivery-{row_id}") for row_id, name in claimed]


def _claim(session: Session, delivery_ids: list[int] | None, application_id: int | None) -> list[Any]:
    """Mark the due deliveries queued and return their (id, queue), in the caller's transaction."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["DELIVERY_ACK_SECONDS"])
    due = select(Delivery.id).where(
        or_(
            (Delivery.status == DeliveryState.PENDING)
            & or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            (Delivery.status == DeliveryState.QUEUED) & (Delivery.enqueued_at < stale),
        )
    )
    if delivery_ids is not None:
        due = due.where(Delivery.id.in_(delivery_ids))
    if application_id is not None:
        due = due.where(Delivery.task_id.in_(select(Task.id).where(Task.application_id == application_id)))
    claimed = session.execute(
        update(Delivery)
        .where(
            Delivery.id.in_(due.order_by(Delivery.id).limit(CLAIM_BATCH).with_for_update(skip_locked=True))
        )
        .values(status=DeliveryState.QUEUED, enqueued_at=utcnow())
        .returning(Delivery.id, Delivery.queue)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed)


def run_dispatcher(interval: float = 1.0, stop: Callable[[], bool] | None = None) -> None:
    """The dispatcher loop of ``bundler dispatch`` (also run by ``bundler serve``)."""
    next_reminders = next_count = 0.0
    while stop is None or not stop():
        try:
            hand_out()  # deliveries and notices due, in one claim and one push
            if time.monotonic() >= next_reminders:
                _remind()
                next_reminders = time.monotonic() + REMINDER_INTERVAL
            if time.monotonic() >= next_count:  # at the next interval even when Redis refuses this one
                next_count = time.monotonic() + current_app.config["OUTCOME_REFRESH_SECONDS"]
                enqueue_all([Job(SYSTEM_QUEUE, "bundler.jobs.refresh_outcomes", 0, "refresh-outcomes")])
        except Exception:  # keep going: the rows stay in the database
            current_app.logger.exception("dispatch failed; trying again")
        time.sleep(interval)


def _remind() -> None:
    """Write the day's 容缺 reminders (an entry point of the loop: it owns its transaction)."""
    with Session(db.engine) as own:
        if notifications.remind_deferred(own):
            own.commit()


def retry_failed(session: Session, delivery: Delivery, actor: str) -> None:
    """A person asks for a failed delivery to be tried again (the caller commits, then dispatches)."""
    delivery.status = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = None
    audit(session, actor, "delivery_retry", delivery.task)
