"""Stored rows as contract-shaped dicts (the format graphs/ and forms/ take, and export writes)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..models import BundleVersion, Department, ItemField, ItemMaterial, ItemVersion
from .contract import FIELD_KEYS, ITEM_TEXT_KEYS, MATERIAL_KEYS


def content_hash(entry: dict[str, Any]) -> str:
    """A stable fingerprint of a normalised entry, to tell whether an import changes anything."""
    canonical = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def department_dict(dept: Department) -> dict[str, Any]:
    return {
        "code": dept.code,
        "name": dept.name,
        "channel": dept.channel,
        "webhook_url": dept.webhook_url,
        **dept.extra,
    }


def _field_dict(fld: ItemField) -> dict[str, Any]:
    data = {key: getattr(fld, key) for key in FIELD_KEYS}
    data["options"] = list(fld.options)
    return {**data, **fld.extra}


def _material_dict(mat: ItemMaterial) -> dict[str, Any]:
    return {**{key: getattr(mat, key) for key in MATERIAL_KEYS}, **mat.extra}


def item_dict(version: ItemVersion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": version.item.code,
        "name": version.name,
        "department": version.item.department.code,
        "type": version.type,
        "legal_days": version.legal_days,
        "promised_days": version.promised_days,
    }
    data.update({key: getattr(version, key) for key in ITEM_TEXT_KEYS})
    data["fields"] = [_field_dict(f) for f in version.fields]
    data["materials"] = [_material_dict(m) for m in version.materials]
    data.update(version.extra)
    return data


def bundle_dict(version: BundleVersion) -> dict[str, Any]:
    return {
        "code": version.bundle.code,
        "name": version.name,
        "lead_department": version.lead_department.code,
        "description": version.description,
        "questions": [
            {"id": q.key, "text": q.text, "type": q.type, "options": list(q.options), **q.extra}
            for q in version.questions
        ],
        "steps": [
            {
                "item": step.item.code,
                "depends_on": [p.item.code for p in sorted(step.prerequisites, key=lambda p: p.position)],
                "when": dict(step.condition),
                **step.extra,
            }
            for step in version.steps
        ],
        **version.extra,
    }


def without_code(entry: dict[str, Any]) -> dict[str, Any]:
    """The versioned content of an entry: everything but its identity."""
    return {k: v for k, v in entry.items() if k != "code"}
