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
