"""What a department receives for a task: its own form under its own field names, the materials, the
results of earlier steps, and where to report completion."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

import forms

from ..catalogue.definitions import pinned, schema_for
from ..models import Application, Task
from ..states import MaterialState, TaskState


def task_payload(session: Session, task: Task) -> dict[str, Any]:
    application = task.application
    schema = schema_for(session, application)
    definition = pinned(session, application)
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
    return found.status if found is not None else MaterialState.PRODUCED


def produced_values(application: Application) -> dict[str, Any]:
    """Results of finished steps, by merged key (e.g. 企业.统一社会信用代码), for dependent steps."""
    values: dict[str, Any] = {}
    for task in application.tasks:
        if task.status == TaskState.DONE:
            values.update(task.results or {})
    return values
