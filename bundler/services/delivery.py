"""The delivery job: hand one task to its department through the department's channel, once.

A job entry point: it owns its transaction. A repeat after success does nothing; a failure is
recorded with the time of the next attempt (``retries.py``), when the dispatcher hands it out again,
until the attempts run out and a person can retry it.
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from ..channels import CHANNELS, DeliveryFailed, Destination
from ..clock import utcnow
from ..extensions import db
from ..models import Delivery, Department, Task
from ..states import DeliveryState
from .audit import audit
from .outbox import MAX_ATTEMPTS
from .payload import task_payload
from .retries import next_attempt


def destination_of(department: Department) -> Destination:
    return Destination(
        department.code,
        department.webhook_url,
        department.webhook_secret,
        (department.extra or {}).get("channel_options") or {},
    )


def deliver(delivery_id: int) -> None:
    delivery = db.session.get(
        Delivery,
        delivery_id,
        options=[
            joinedload(Delivery.task, innerjoin=True).options(
                joinedload(Task.department, innerjoin=True), joinedload(Task.item_version, innerjoin=True)
            )
        ],
        with_for_update={"of": Delivery},
    )
    if delivery is None or delivery.status in (DeliveryState.DELIVERED, DeliveryState.FAILED):
        db.session.rollback()
        return
    task = delivery.task
    department = task.department
    channel = CHANNELS.get(department.channel)
    try:
        # delivery_id is the same on every attempt, so the department's system can discard a repeat
        payload = (
            {**task_payload(db.session, task), "delivery_id": str(delivery_id)}
            if channel.carries_payload
            else {}
        )
        channel.deliver(destination_of(department), payload)
    except DeliveryFailed as exc:
        db.session.rollback()
        _record_failure(delivery_id, str(exc))
        return
    delivery.attempts += 1
    delivery.status = DeliveryState.DELIVERED
    delivery.delivered_at = utcnow()
    if task.delivered_at is None:
        task.delivered_at = delivery.delivered_at
    else:  # handed again: an earlier step's result corrected, a 补正 answered, a file added
        task.redelivered_at = delivery.delivered_at
    audit(db.session, "系统", "delivered", task, after={"channel": channel.name, "queue": delivery.queue})
    db.session.commit()


def _record_failure(delivery_id: int, error: str) -> None:
    """Count the attempt: pending again until the next attempt is due, or failed for good."""
    delivery = db.session.get(Delivery, delivery_id)
    assert delivery is not None
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    delivery.next_attempt_at = next_attempt(delivery.attempts, MAX_ATTEMPTS)
    delivery.enqueued_at = None
    if delivery.next_attempt_at is None:
        delivery.status = DeliveryState.FAILED
        audit(db.session, "系统", "delivery_failed", delivery.task, after={"error": delivery.last_error})
    else:
        delivery.status = DeliveryState.PENDING
    db.session.commit()
