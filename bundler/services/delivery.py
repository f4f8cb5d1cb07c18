"""The delivery job: hand one task to its department through the department's channel, once.

A job entry point: it owns its transaction. A repeat after success does nothing; a failure is
recorded and rq tries again on the configured schedule, until the attempts run out and a person
can retry it.
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
        options=[joinedload(Delivery.task, innerjoin=True).joinedload(Task.department, innerjoin=True)],
        with_for_update={"of": Delivery},
    )
    if delivery is None or delivery.status in (DeliveryState.DELIVERED, DeliveryState.FAILED):
        db.session.rollback()
        return
    task = delivery.task
    department = task.department
    channel = CHANNELS.get(department.channel)
    try:
        payload = {
            **task_payload(db.session, task),
            "delivery_id": str(delivery_id),
        }  # the same every attempt
        channel.deliver(destination_of(department), payload)
    except DeliveryFailed as exc:
        db.session.rollback()
        if _record_failure(delivery_id, str(exc)):
            return  # retries ran out: shown as failed, a person retries it
        raise
    delivery.attempts += 1
    delivery.status = DeliveryState.DELIVERED
    delivery.delivered_at = utcnow()
    task.delivered_at = task.delivered_at or delivery.delivered_at
    audit(db.session, "系统", "delivered", task, after={"channel": channel.name, "queue": delivery.queue})
    db.session.commit()


def _record_failure(delivery_id: int, error: str) -> bool:
    """Count the attempt; True when it was the last one (the delivery is failed for good)."""
    delivery = db.session.get(Delivery, delivery_id)
    assert delivery is not None
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryState.FAILED
        audit(db.session, "系统", "delivery_failed", delivery.task, after={"error": delivery.last_error})
    db.session.commit()
    return delivery.status == DeliveryState.FAILED
