"""The append-only audit log: who did what to which task, with the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Application, AuditEntry, Task


def audit(
    session: Session,
    actor: str,
    action: str,
    task: Task | None = None,
    *,
    before: Any = None,
    after: Any = None,
    application: Application | None = None,
) -> None:
    """Add an entry to the caller's transaction (it is written with the change it records); about a
    task, or about an application as a whole."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            task_id=task.id if task is not None else None,
            application_id=task.application_id
            if task is not None
            else application.id
            if application
            else None,
            before=before or {},
            after=after or {},
        )
    )
