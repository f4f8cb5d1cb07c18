"""Routing tasks to departments with the database as the source of truth.

A ready task gets a ``Delivery`` row in the same transaction that made it ready. The dispatcher hands
pending rows to the department's rq queue (job id = delivery id, so a repeat is harmless) and hands
again the ones not delivered in time. Only the delivery job marks a delivery delivered; it is
idempotent, so a job run twice delivers once. If Redis is down nothing is lost: the rows wait.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

import forms

from ..extensions import db
from ..models import Application, AuditEntry, Delivery, Task
from ..models.common import utcnow
from ..queues import department_queue_name, queue
from ..states import DeliveryState, TaskState
from . import applications as service

MAX_ATTEMPTS = 5


def audit(
    session: Session,
    actor: str,
    action: str,
    task: Task | None = None,
    *,
    before: Any = None,
    after: Any = None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            task_id=task.id if task is not None else None,
            application_id=task.application_id if task is not None else None,
            before=before or {},
            after=after or {},
        )
    )


def open_deliveries(session: Session, application: Application) -> list[Delivery]:
    """A delivery row for every ready task that has none yet (same transaction as the caller's)."""
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
            delivery = Delivery(task=task, queue=department_queue_name(task.department.code))
            session.add(delivery)
            created.append(delivery)
    return created


def dispatch(
    session: Session, delivery_ids: list[int] | None = None, *, application_id: int | None = None
) -> int:
    """Queue pending deliveries (all, the ones named, or an application's) and the queued ones not
    delivered within ``DELIVERY_ACK_SECONDS`` (their job may have died with its worker); commits.

    The rows are claimed first, in one statement (marked queued, rows another dispatcher holds are
    skipped), then pushed to Redis; if Redis is down they are put back to pending. A process that dies
    between the two leaves them queued: the stale sweep hands them out again, and a job that arrives
    twice delivers once.
    """
    claimed = _claim(session, delivery_ids, application_id)
    if not claimed:
        return 0
    intervals = current_app.config["DELIVERY_RETRY_INTERVALS"]
    try:
        connection = queue(claimed[0].queue).connection
        with connection.pipeline() as pipe:
            for delivery_id, queue_name in claimed:
                queue(queue_name).enqueue(
                    "bundler.jobs.deliver_task",
                    delivery_id,
                    job_id=f"delivery-{delivery_id}",
                    retry=Retry(max=MAX_ATTEMPTS - 1, interval=intervals),
                    result_ttl=0,  # the database records the delivery; rq keeps only failures
                    pipeline=pipe,
                )
            pipe.execute()
    except (RedisError, OSError) as exc:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_([row.id for row in claimed]), Delivery.status == DeliveryState.QUEUED)
            .values(status=DeliveryState.PENDING, enqueued_at=None)
        )
        session.commit()
        current_app.logger.warning("deliveries not queued (Redis unavailable), will retry: %s", exc)
        return 0
    return len(claimed)


def _claim(session: Session, delivery_ids: list[int] | None, application_id: int | None) -> list[Any]:
    """Mark the due deliveries queued and return their (id, queue), committed."""
    stale = utcnow() - timedelta(seconds=current_app.config["DELIVERY_ACK_SECONDS"])
    due = select(Delivery.id).where(
        or_(
            Delivery.status == DeliveryState.PENDING,
            (Delivery.status == DeliveryState.QUEUED) & (Delivery.enqueued_at < stale),
        )
    )
    if delivery_ids is not None:
        due = due.where(Delivery.id.in_(delivery_ids))
    if application_id is not None:
        due = due.where(Delivery.task_id.in_(select(Task.id).where(Task.application_id == application_id)))
    claimed = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(due.order_by(Delivery.id).limit(500).with_for_update(skip_locked=True)))
        .values(status=DeliveryState.QUEUED, enqueued_at=utcnow())
        .returning(Delivery.id, Delivery.queue)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted(claimed)


def dispatch_application(session: Session, application_id: int) -> int:
    """Right after an acceptance or a release is committed: queue its deliveries without waiting for
    the dispatcher loop (which remains the safety net)."""
    return dispatch(session, application_id=application_id)


def run_dispatcher(interval: float = 1.0, stop: Any = None) -> None:
    """The dispatcher loop of ``bundler dispatch`` (also run by ``bundler serve``)."""
    while stop is None or not stop():
        try:
            dispatch(db.session)
        except Exception:  # keep going: the rows stay in the database
            db.session.rollback()
            current_app.logger.exception("dispatch failed; trying again")
        finally:
            db.session.remove()
        time.sleep(interval)


# --- the delivery job ----------------------------------------------------------------------------------


class DeliveryFailed(RuntimeError):
    """A delivery attempt that did not reach the department; rq tries again later."""


def task_payload(session: Session, task: Task) -> dict[str, Any]:
    """What the department receives: its own form under its own field names, materials, upstream results."""
    application = task.application
    schema = service.schema_for(session, application)
    definition = service.pinned(session, application)
    produced = produced_values(application)
    own = forms.project(schema, definition.items, application.data, produced).get(task.item.code, {})
    item = definition.items[task.item.code]
    return {
        "task": task.id,
        "application": application.id,
        "tracking_no": application.tracking_no,
        "bundle": definition.bundle["code"],
        "bundle_version": definition.version,
        "item": task.item.code,
        "item_version": task.item_version.version,
        "department": task.department.code,
        "due": task.due_date.isoformat() if task.due_date else None,
        "form": own,
        "materials": [
            {"name": m["name"], "kind": m["kind"], "status": _material_status(application, m)}
            for m in item["materials"]
        ],
        "upstream": {
            t.item.code: t.results for t in application.tasks if t.status == TaskState.DONE and t.results
        },
        "complete_url": f"{current_app.config['PUBLIC_URL'].rstrip('/')}/api/v1/tasks/{task.id}/complete",
    }


def _material_status(application: Application, material: dict[str, Any]) -> str:
    key = f"{material['kind']}|{material.get('role') or ''}"
    found = next((m for m in application.materials if m.key == key), None)
    return found.status if found is not None else "produced"


def produced_values(application: Application) -> dict[str, Any]:
    """Results of finished steps, by merged key (e.g. 企业.统一社会信用代码), for dependent steps."""
    values: dict[str, Any] = {}
    for task in application.tasks:
        if task.status == TaskState.DONE:
            values.update(task.results or {})
    return values


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _post_webhook(url: str, secret: str, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Bundler-Timestamp": timestamp,
            "X-Bundler-Signature": sign(secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (configured URL)
            if not 200 <= response.status < 300:
                raise DeliveryFailed(f"业务系统返回 {response.status}")
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"业务系统返回 {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"无法连接业务系统：{exc}") from exc


def deliver(delivery_id: int) -> None:
    """The job: deliver once. A repeat after success does nothing; a failure is recorded and retried."""
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
    try:
        if department.channel == "webhook":
            _post_webhook(
                department.webhook_url or "", department.webhook_secret or "", task_payload(db.session, task)
            )
    except DeliveryFailed as exc:
        db.session.rollback()
        delivery = db.session.get(Delivery, delivery_id)
        delivery.attempts += 1
        delivery.last_error = str(exc)[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryState.FAILED
            audit(db.session, "系统", "delivery_failed", delivery.task, after={"error": delivery.last_error})
            db.session.commit()
            return  # retries ran out: shown as failed, a person retries it
        db.session.commit()
        raise
    delivery.attempts += 1
    delivery.status = DeliveryState.DELIVERED
    delivery.delivered_at = utcnow()
    task.delivered_at = task.delivered_at or delivery.delivered_at
    audit(
        db.session, "系统", "delivered", task, after={"channel": department.channel, "queue": delivery.queue}
    )
    db.session.commit()


def retry_failed(session: Session, delivery: Delivery, actor: str) -> None:
    """A person asks for a failed delivery to be tried again."""
    delivery.status = DeliveryState.PENDING
    delivery.attempts = 0
    audit(session, actor, "delivery_retry", delivery.task)
    session.commit()
    dispatch(session, [delivery.id])
