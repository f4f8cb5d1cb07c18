"""办事指南: what the public reads about an item or a bundle, built from the same published versions the
forms are built from (同源发布, seed 004 §4 and §14). The page, the A4 PDF and the JSON for the
province's platform are one dict each, made here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

import forms

from ..catalogue.elements import ELEMENT_LABELS, completeness, element_values, missing_elements
from ..catalogue.queries import (
    NotFound,
    bundle_definition,
    bundles_using,
    departments_by_code,
    item_listing,
    latest_item_versions,
)
from ..catalogue.serialize import item_dict
from ..documents.notice import notice_context
from . import paging
from .overview import BundleSummary, find_bundles, published_bundles

PAGE_SIZE = 30  # items on one page of the guide list

# The element rows of an item's guide, by section (the name, the department and the materials have
# their own place); every standard element is in one section.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本信息", ("catalogue_code", "implementation_code", "type", "exercise_content", "basis", "service_object", "conditions")),
    ("办理方式与时限", ("kind", "legal_days", "promised_days", "visits", "channels", "online_url", "process")),
    ("收费、结果与联系方式", ("fees", "fee_basis", "result", "place", "hours", "phone", "complaint_phone")),
)  # fmt: skip
ROW_ELEMENTS = tuple(key for _, keys in SECTIONS for key in keys)
assert set(ROW_ELEMENTS) | {"name", "department", "materials"} == set(ELEMENT_LABELS)


def _sample(value: Any) -> dict[str, str | None] | None:
    """A material's 样表: a web address is linked, a file name is said (the window hands it out)."""
    if not value:
        return None
    text = str(value)
    return {"name": text.rsplit("/", 1)[-1] or text, "url": text if re.match(r"^https?://", text) else None}


def _material(
    item: Mapping[str, Any], material: Mapping[str, Any], labels: Mapping[str, str]
) -> dict[str, Any]:
    when = forms.conditions.to_logic(material.get("when"))
    return {
        "name": material["name"],
        "kind": material.get("kind"),
        "required": bool(material.get("required", True)),
        "e_licence": bool(material.get("e_licence")),
        "deferrable": forms.materials.deferrable(item, material),
        "pledge": forms.materials.replaced_by_commitment(item, material),
        "produced_by": material.get("produced_by"),
        "condition": f"{forms.conditions.describe(when, labels)}时提交" if when is not None else None,
        "sample": _sample(material.get("sample")),
    }


def _field_labels(item: Mapping[str, Any]) -> dict[str, str]:
    return {
        f"{f['role']}.{f['element']}": str(f.get("label") or f["element"])
        for f in item.get("fields") or []
        if f.get("role") and f.get("element")
    }


def item_content(
    item: Mapping[str, Any], department_name: str, version: int, days_unit: str
) -> dict[str, Any]:
    """The guide of one item from its contract-shaped dict (every standard element, ``None`` when not
    given), as the page, the PDF and the JSON show it."""
    values = element_values(item)
    labels = _field_labels(item)
    missing = missing_elements(item)
    return {
        "code": item["code"],
        "name": item["name"],
        "version": version,
        "department": {"code": item["department"], "name": department_name},
        **{key: values[key] for key in ROW_ELEMENTS},
        "days_unit": days_unit,
        "materials": [_material(item, m, labels) for m in item.get("materials") or []],
        "form_fields": len(item.get("fields") or []),
        "completeness": completeness(item),
        "missing": [ELEMENT_LABELS[k] for k in missing],
    }


def item_guide(session: Session, code: str) -> dict[str, Any]:
    """The guide of the item's current published version, with the bundles it belongs to.
    Raises :class:`NotFound`."""
    version = latest_item_versions(session, [code]).get(code)
    if version is None:
        raise NotFound(f"事项“{code}”不存在或尚未发布")
    guide = item_content(item_dict(version), version.item.department.name, version.version, version.days_unit)
    guide["bundles"] = [{"code": c, "name": n} for c, n in bundles_using(session, code)]
    return guide


def bundle_guide(session: Session, code: str, centre: Mapping[str, str]) -> dict[str, Any]:
    """The guide of the bundle's current published version: what it joins, in which order, how long it
    takes, which materials and where to go, with each item's own guide. Raises :class:`NotFound`."""
    definition = bundle_definition(session, code)
    notice = notice_context(session, code, None)
    bundle, items = definition.bundle, definition.items
    departments = departments_by_code(session)
    versions = latest_item_versions(session, list(items))
    conditions = {row["code"]: row["condition_text"] for row in notice["items"]}
    steps = []
    for step in bundle["steps"]:
        item = items[step["item"]]
        department = departments.get(item["department"])
        content = item_content(
            item,
            department.name if department else item["department"],
            versions[step["item"]].version,
            versions[step["item"]].days_unit,
        )
        content["condition"] = conditions.get(step["item"]) or None
        content["depends_on"] = list(step.get("depends_on") or [])
        steps.append(content)
    samples = {
        (item_code, str(m["name"])): _sample(m.get("sample"))
        for item_code, item in items.items()
        for m in item.get("materials") or []
        if m.get("sample")
    }
    materials = [
        {
            "name": m["name"],
            "required": m["required"],
            "deferrable": m["tolerable"],
            "e_licence": m["e_licence"],
            "per_person": m["per_person"],
            "condition": m["condition_text"] or None,
            "items": m["items"],
            "samples": [
                s for s in (samples.get((i["code"], i.get("name_in_item", ""))) for i in m["items"]) if s
            ],
        }
        for m in notice["materials"]
    ]
    visits = [s["visits"] for s in steps if isinstance(s["visits"], int)]
    timing = notice["timing"]
    return {
        "code": bundle["code"],
        "name": bundle["name"],
        "version": definition.version.version,
        "description": bundle.get("description"),
        "audience": bundle.get("audience"),
        "life_event": bundle.get("life_event"),
        "lead_department": notice["lead_department"],
        "promised_days": timing["promised_days"],
        "sum_promised_days": timing["sum_promised_days"],
        "statutory_days": timing["statutory_days"],
        "sum_statutory_days": timing["sum_statutory_days"],
        "stages": timing["stages"],
        "visits": 1,  # one window takes everything and results come back at one point (最多跑一次)
        "visits_separately": sum(visits) if visits else None,
        "questions": [
            {
                "id": q["id"],
                "text": q.get("text") or q["id"],
                "options": [str(o) for o in q.get("options") or []] or ["是", "否"],
            }
            for q in bundle.get("questions") or []
        ],
        "confirm_by": notice["confirm_by"] or None,
        "items": steps,
        "materials": materials,
        "provided": notice["provided"],
        "form_sections": [
            {
                "title": s["title"],
                "fields": [
                    {"label": f["label"], "required": f["required"], "condition": f["condition_text"] or None}
                    for f in s["fields"]
                ],
            }
            for s in notice["sections"]
        ],
        "place": centre.get("address"),
        "hours": centre.get("hours"),
        "phone": centre.get("phone"),
    }


def guide_of(session: Session, of: str, code: str, centre: Mapping[str, str]) -> dict[str, Any]:
    """The guide of an item (``of="item"``) or a bundle (``"bundle"``). Raises :class:`NotFound`."""
    return bundle_guide(session, code, centre) if of == "bundle" else item_guide(session, code)


@dataclass
class GuideListing:
    """What the guide list shows for a search: the matching bundles and one page of the items."""

    bundles: list[BundleSummary]
    items: list[tuple[str, str, str, str]]  # code, name, type, department name
    items_total: int
    page: int
    pages: int


def search(session: Session, query: str = "", department: str | None = None, page: int = 1) -> GuideListing:
    """Published bundles and items whose names (or codes, departments, life events) hold every word."""
    words = query.split()
    bundles = [] if department else find_bundles(published_bundles(session), " ".join(words))
    page = max(page, 1)
    total, rows = item_listing(session, words, department, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    shown, pages = paging.clamp(total, page, PAGE_SIZE)
    if shown != page:  # past the end (a stale link): the last page
        page = shown
        total, rows = item_listing(session, words, department, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    return GuideListing(bundles, rows, total, page, pages)
