"""What each built-in document says (the kinds themselves: ``document_kinds.py``), built from the stored application (see
``bundler/documents/contexts.py`` for every kind's keys). Personal data is masked on paper too,
except in the application form itself, which the applicant signs."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

import graphs

from .. import clock
from ..catalogue import definitions
from ..documents.builders import application_form_sections, item_form_rows
from ..models import Application, Task
from ..privacy import mask_id_number, mask_name
from ..states import MATERIAL_SATISFIED, MaterialState, TaskState, label
from . import applications as service
from .rating_links import rate_url


def centre() -> dict[str, str]:
    return dict(current_app.config["SERVICE_CENTRE"])


def _stamp(moment: Any) -> str:
    local = clock.local(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def _ref(application: Application) -> dict[str, str]:
    return {"code": application.bundle_version.bundle.code, "name": application.bundle_version.name}


def _person(session: Session, application: Application) -> dict[str, str]:
    number, name = service.subject_of(definitions.schema_for(session, application), application.data)
    return {"name_masked": mask_name(name), "id_number_masked": mask_id_number(number)}


def _clerk(application: Application) -> dict[str, str]:
    if application.accepted_by is None:
        return {"window": "网上受理"}
    return {"window": "综合受理窗口", "name": mask_name(application.accepted_by.name) or "窗口工作人员"}


def _item_names(session: Session, application: Application) -> dict[str, str]:
    return {code: item["name"] for code, item in definitions.pinned(session, application).items.items()}


def _materials_needing(session: Session, application: Application) -> dict[str, list[str]]:
    """Material key -> names of the items that need it."""
    schema = definitions.schema_for(session, application)
    names = _item_names(session, application)
    return {service.material_key(m): [names[c] for c in m.items if c in names] for m in schema.materials}


def application_form(session: Session, application: Application) -> dict[str, Any]:
    schema = definitions.schema_for(session, application)
    return {
        "tracking_number": application.tracking_no or "",
        "bundle": _ref(application),
        "date": (clock.local(application.accepted_at) or clock.now()).date().isoformat(),
        "applicant": _person(session, application),
        "sections": application_form_sections(schema, application.data),
    }


def receipt(session: Session, application: Application) -> dict[str, Any]:
    planned = definitions.plan_for(session, application)
    stage_of = {code: number for number, stage in enumerate(planned.stages, 1) for code in stage}
    needing = _materials_needing(session, application)
    return {
        "tracking_number": application.tracking_no,
        "bundle": _ref(application),
        "applicant": _person(session, application),
        "accepted_at": _stamp(application.accepted_at),
        "accepted_by": _clerk(application),
        "channel": application.channel_label,
        "promised": {
            "date": application.promised_date.isoformat() if application.promised_date else "",
            "working_days": planned.promised_days,
            "calendar_version": application.calendar_note or "",
        },
        "steps": [
            {
                "code": task.item.code,
                "name": task.title,
                "department": task.department.name,
                "stage": stage_of.get(task.item.code, 0),
                "promised_days": task.item_version.promised_days,
                "days_unit": task.item_version.days_unit,
                "due_date": task.due_date.isoformat() if task.due_date else "前序事项办结后起算",
            }
            for task in application.tasks
            if task.status != TaskState.SKIPPED
        ],
        "materials_received": [
            {
                "name": m.name,
                "e_licence": m.status == MaterialState.E_LICENCE,
                "committed": m.status == MaterialState.COMMITTED,
            }
            for m in application.materials
            if m.status in MATERIAL_SATISFIED and m.status != MaterialState.PRODUCED  # produced: not asked
        ],
        "materials_owed": [
            {
                "name": m.name,
                "items": needing.get(m.key, []),
                "due_date": m.due_date.isoformat() if m.due_date else "",
            }
            for m in application.materials
            if m.status == MaterialState.DEFERRED
        ],
        "status_url": f"{current_app.config['PUBLIC_URL'].rstrip('/')}/track",
        "rate_url": rate_url(application.id),
    }


def commitment(session: Session, application: Application) -> dict[str, Any]:
    needing = _materials_needing(session, application)
    return {
        "tracking_number": application.tracking_no,
        "bundle": _ref(application),
        "applicant": _person(session, application),
        "due_date": application.commitment_date.isoformat() if application.commitment_date else "",
        "materials": [
            {"name": m.name, "items": needing.get(m.key, [])}
            for m in application.materials
            if m.status == MaterialState.DEFERRED
        ],
        "clerk": _clerk(application),
        "date": (clock.local(application.accepted_at) or clock.now()).date().isoformat(),
    }


def pledge(session: Session, application: Application) -> dict[str, Any]:
    """告知承诺书: every material a signed commitment replaced, the items accepting it and their 核查."""
    definition = definitions.pinned(session, application)
    schema = definitions.schema_for(session, application)
    by_key = {service.material_key(m): m for m in schema.materials}
    entries = []
    for material in application.materials:
        merged = by_key.get(material.key)
        if material.status != MaterialState.COMMITTED or merged is None:
            continue
        codes = [c for c in merged.items if c in definition.items]
        longest = max(
            ((definitions.commitment_verify_days(definition.items[c]), c) for c in codes), default=(0, "")
        )
        unit = definition.items[longest[1]].get("days_unit") if longest[1] else None
        entries.append(
            {
                "name": material.name,
                "items": [definition.items[c]["name"] for c in codes],
                "verify_days": longest[0],
                "verify_unit": unit or graphs.WORKING_DAYS,
            }
        )
    return {
        "tracking_number": application.tracking_no or "",
        "bundle": _ref(application),
        "applicant": _person(session, application),
        "entries": entries,
        "clerk": _clerk(application),
        "date": (clock.local(application.accepted_at) or clock.now()).date().isoformat(),
    }


def missing_notice(session: Session, application: Application) -> dict[str, Any]:
    needing = _materials_needing(session, application)
    schema = definitions.schema_for(session, application)
    errors = service.validation_errors(schema, application.data)
    return {
        "tracking_number": application.tracking_no or f"草稿 {application.id}",
        "bundle": _ref(application),
        "applicant": _person(session, application),
        "materials": [
            {"name": m.name, "reason": "未提交", "items": needing.get(m.key, [])}
            for m in application.materials
            if m.status in (MaterialState.MISSING, MaterialState.PENDING) and m.required
        ],
        "fields": [
            {
                "label": schema.by_key[key].label if key in schema.by_key else key,
                "message": "；".join(messages),
                "section": schema.by_key[key].section if key in schema.by_key else "",
            }
            for key, messages in errors.items()
        ],
        "clerk": _clerk(application),
        "date": (clock.local(application.refused_at) or clock.now()).date().isoformat(),
        "rate_url": rate_url(application.id),
    }


def supplement_notice(session: Session, application: Application) -> dict[str, Any]:
    """补正告知书: every open 补正 request of the application, each with what it asks by name."""
    from .supplements import askable, open_supplements

    rounds = []
    for pause in open_supplements(session, application):
        materials, fields = askable(session, pause.task)
        rounds.append(
            {
                "department": pause.task.department.name,
                "item": pause.task.title,
                "requested_at": _stamp(pause.started_at),
                "reason": pause.reason or "",
                "materials": [materials.get(k, k) for k in pause.materials],
                "fields": [fields.get(k, k) for k in pause.fields],
            }
        )
    return {
        "tracking_number": application.tracking_no or "",
        "bundle": _ref(application),
        "applicant": _person(session, application),
        "rounds": rounds,
        "status_url": f"{current_app.config['PUBLIC_URL'].rstrip('/')}/track",
        "date": clock.now().date().isoformat(),
    }


def item_form(session: Session, task: Task) -> dict[str, Any]:
    from .payload import task_payload

    payload = task_payload(session, task)
    item = definitions.pinned(session, task.application).items[task.item.code]
    rows, tables = item_form_rows(item, payload["form"])
    names = _item_names(session, task.application)
    return {
        "item": {"code": task.item.code, "name": task.item_version.name, "department": task.department.name},
        "tracking_number": task.application.tracking_no,
        "bundle": _ref(task.application),
        "date": clock.today().isoformat(),
        "rows": rows,
        "tables": tables,
        "materials": [
            {"name": m["name"], "status": label(MaterialState, m["status"])} for m in payload["materials"]
        ],
        "upstream": [
            {"item": names.get(code, code), "label": key, "value": value}
            for code, results in payload["upstream"].items()
            for key, value in results.items()
        ],
    }


def with_footer(context: dict[str, Any]) -> dict[str, Any]:
    """Every document's foot: the service centre's contacts and the time it was rendered."""
    context["centre"] = centre()
    context["generated_at"] = clock.now().strftime("%Y-%m-%d %H:%M")
    return context
