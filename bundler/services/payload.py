"""What a department receives for a task: its own form under its own field names, the materials, the
results of earlier steps, and where to report completion."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

import forms

from .. import clock
from ..catalogue.definitions import item_material_keys, pinned, schema_for
from ..models import Application, ApplicationMaterial, AuditEntry, Task
from ..privacy import mask_id_number, mask_name
from ..states import MaterialState, TaskState
from . import uploads
from .deadlines import due_dates
from .elicences import material_kind


def task_payload(session: Session, task: Task) -> dict[str, Any]:
    application = _application_of(session, task)
    schema = schema_for(session, application)
    definition = pinned(session, application)
    produced = produced_values(application)
    person = task.per_person
    own = forms.project(schema, definition.items, application.data, produced, person).get(task.item.code, {})
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
        "person": {"role": person[0], "number": person[1] + 1} if person else None,
        "due": task.due_date.isoformat() if task.due_date else None,
        "due_is_estimate": due_dates(session).is_estimate(task),
        "form": own,
        "materials": task_materials(session, task, item),
        "upstream": upstream_results(task),
        "corrections": corrections(session, task),
        "revoked": [
            {"item": t.item.code, "name": t.title, "reason": t.reason}
            for t in application.tasks
            if t.status == TaskState.REVOKED and t.id != task.id
        ],
        "verify_due": task.verify_due.isoformat() if task.verify_due else None,
        "results_asked": results_asked(schema, task.item.code),
        "complete_url": f"{current_app.config['PUBLIC_URL'].rstrip('/')}/api/v1/tasks/{task.id}/complete",
    }


def results_asked(schema: forms.MergedSchema, item: str) -> list[dict[str, Any]]:
    """What the step gives back when it is approved (the results it produces and the fields its
    department fills), each with a valid example value (what the reference system returns)."""
    asked = []
    for fld in schema.fields:
        if fld.filled_in_step(item):
            example = forms.example_value(fld, 1)
            asked.append(
                {
                    "key": fld.key,
                    "label": fld.label,
                    "type": fld.type,
                    "required": fld.required,
                    "options": list(fld.options),
                    "example": example.isoformat() if hasattr(example, "isoformat") else example,
                }
            )
    return asked


def _application_of(session: Session, task: Task) -> Application:
    """The task's application with what the payload reads of it — every step and its item, every
    material and its files, the window token — in four queries, not one per step and per material."""
    return session.scalars(
        select(Application)
        .where(Application.id == task.application_id)
        .options(
            selectinload(Application.tasks).joinedload(Task.item),
            selectinload(Application.materials).selectinload(ApplicationMaterial.uploads),
            joinedload(Application.api_token),
        )
    ).one()


def upstream_results(task: Task) -> dict[str, dict[str, Any]]:
    """Results of finished steps by item code. A step run per person gives the results of the same
    person to a task run per that role, and to any other task each person's as ``CODE#N``."""
    person = task.per_person
    out: dict[str, dict[str, Any]] = {}
    for t in task.application.tasks:
        if t.status != TaskState.DONE or not t.results:
            continue
        theirs = t.per_person
        if theirs is None:
            out[t.item.code] = t.results
        elif person is not None and theirs[0] == person[0]:
            if theirs[1] == person[1]:
                out[t.item.code] = t.results
        else:
            out[f"{t.item.code}#{t.person + 1}"] = t.results
    return out


def task_materials(session: Session, task: Task, item: dict[str, Any]) -> list[dict[str, Any]]:
    """The materials the task's item asks for, as the applicant provided them: each file (with the
    address that downloads it with the department's token, and a signed link that needs none until
    it expires), the e-licence used in its place, or who checked the paper original and when."""
    application = task.application
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    entries = []
    for material, key in zip(item["materials"], item_material_keys(item), strict=True):
        found = uploads.material_by_key(application, key)
        files = []
        for upload in found.uploads if found is not None else []:
            link = uploads.sign_link(task, upload)
            files.append(
                {
                    "id": upload.id,
                    "name": upload.filename,
                    "size": upload.size,
                    "content_type": upload.content_type,
                    "sha256": upload.sha256,
                    "url": f"{public}/api/v1/tasks/{task.id}/files/{upload.id}",
                    "signed_url": f"{public}/files/{link.token}",
                    "signed_url_expires": link.expires_at.isoformat(),
                }
            )
        entries.append(
            {
                "key": key,
                "name": material["name"],
                "kind": material["kind"],
                "status": found.status if found is not None else MaterialState.PRODUCED,
                "files": files,
                "licence": _licence(found),
                "collected": _collected(found),
            }
        )
    return entries


def _licence(material: ApplicationMaterial | None) -> dict[str, Any] | None:
    """The e-licence that stands in for a material (电子证照免交), as recorded when it was used: the
    holder's own, whoever the applicant is; title, number and holder masked."""
    if material is None or material.status != MaterialState.E_LICENCE:
        return None
    used = material.licence or {}  # empty only for materials accepted before licences were recorded
    holder_name, holder_number = used.get("holder_name"), used.get("holder_number")
    shown = f"{mask_name(str(holder_name)) if holder_name else ''} {mask_id_number(holder_number)}".strip()
    return {
        "title": used.get("title") or used.get("kind") or material_kind(material),
        "number": mask_id_number(used["number"]) if used.get("number") else None,
        "holder": shown or None,
        "found": bool(used),
        "authorisation": used.get("authorisation"),
    }


def _collected(material: ApplicationMaterial | None) -> dict[str, Any] | None:
    """Who checked a paper original at the counter, and when."""
    if material is None or material.status != MaterialState.COLLECTED or material.collected_at is None:
        return None
    application = material.application
    if material.collected_by:
        by = f"综合窗口 {material.collected_by}"
    elif application.api_token is not None:
        by = f"窗口系统（{application.api_token.label or '接口令牌'}）"
    else:
        by = "综合窗口"
    return {"by": by, "at": clock.local(material.collected_at).isoformat(timespec="seconds")}


def corrections(session: Session, task: Task) -> list[dict[str, Any]]:
    """Results of earlier steps corrected after they were first handed out (更正), oldest first: the
    item, what changed (before and after), why, and when. ``upstream`` already holds the new values."""
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.application_id == task.application_id,
            AuditEntry.action == "correct",
            AuditEntry.task_id != task.id,
        )
        .order_by(AuditEntry.id)
    )
    codes = {t.id: t.item.code for t in task.application.tasks}
    found = []
    for entry in entries:
        before = (entry.before or {}).get("results") or {}
        after = (entry.after or {}).get("results") or {}
        changed = (entry.after or {}).get("changed") or sorted(
            k for k in after if after.get(k) != before.get(k)
        )
        found.append(
            {
                "item": codes.get(entry.task_id or 0, ""),
                "before": {k: before.get(k) for k in changed},
                "after": {k: after.get(k) for k in changed},
                "reason": (entry.after or {}).get("reason") or "",
                "at": clock.local(entry.at).isoformat(timespec="seconds"),
            }
        )
    return found


def produced_values(application: Application) -> dict[str, Any]:
    """Results of finished steps, by merged key (e.g. 企业.统一社会信用代码), for dependent steps. A
    step run per person gives the values of its person: they go into that person's row of the role
    (``{"新生儿[]": [{"出生医学证明编号": ...}, ...]}``), as :func:`forms.project` reads them."""
    values: dict[str, Any] = {}
    for task in application.tasks:
        if task.status != TaskState.DONE:
            continue
        for key, value in (task.results or {}).items():
            in_group = forms.split_group_key(key)
            if in_group is None:
                values[key] = value
                continue
            rows = values.setdefault(forms.group_key(in_group[0]), [])
            while len(rows) <= task.person:
                rows.append({})
            rows[task.person][in_group[1]] = value
    return values
