"""rq job entry points. Jobs take ids, never ORM objects, and run in the worker's app context."""

from __future__ import annotations


def render_document(document_id: int) -> None:
    from .services.documents import render

    render(document_id)


def send_notification(notification_id: int) -> None:
    from .services.notifications import send

    send(notification_id)


def deliver_task(delivery_id: int) -> None:
    from .services.delivery import deliver

    deliver(delivery_id)


def refresh_outcomes(_unused: int = 0) -> None:
    """Recount the reform report's recent months (enqueued by the dispatcher every few minutes)."""
    from .extensions import db
    from .services.outcome_counts import refresh

    refresh(db.session)
    db.session.commit()
