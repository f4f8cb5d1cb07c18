"""``bundler export``: the stored catalogue written back in the contract format."""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CatalogueEntry
from .queries import NotFound, departments_by_code, latest_bundle_versions, latest_item_versions
from .serialize import bundle_dict, department_dict, item_dict

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _tidy(value: Any) -> Any:
    """Drop keys that say nothing (None, empty lists and maps) so exported files read like hand-written ones."""
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def export_catalogue(session: Session, bundle_code: str | None = None) -> dict[str, Any]:
    """Everything, or one bundle with exactly the items and departments it needs."""
    if bundle_code is None:
        bundles = [bundle_dict(v) for v in latest_bundle_versions(session).values()]
        items = [item_dict(v) for v in latest_item_versions(session).values()]
        departments = [department_dict(d) for d in departments_by_code(session).values()]
    else:
        version = latest_bundle_versions(session, [bundle_code]).get(bundle_code)
        if version is None:
            raise NotFound(f"一件事“{bundle_code}”不存在或尚未发布")
        bundle = bundle_dict(version)
        codes = {s["item"] for s in bundle["steps"]}
        items = [item_dict(v) for v in latest_item_versions(session, codes).values()]
        # produced_by may name items outside the bundle; take them along so the file imports on its own
        extra_codes = {
            ref
            for i in items
            for e in (*i["fields"], *i["materials"])
            if (ref := e.get("produced_by")) and ref not in codes
        }
        if extra_codes:
            items += [item_dict(v) for v in latest_item_versions(session, extra_codes).values()]
        needed = {i["department"] for i in items} | {bundle["lead_department"]}
        departments = [
            department_dict(d) for code, d in departments_by_code(session).items() if code in needed
        ]
        bundles = [bundle]
    entries = {
        e.code: e.to_contract() for e in session.scalars(select(CatalogueEntry).order_by(CatalogueEntry.code))
    }
    if bundle_code is not None:  # the entries its items name, so that the file imports on its own
        named = {i.get("catalogue_code") for i in items}
        entries = {code: e for code, e in entries.items() if code in named}
    return _tidy(
        {"catalogue": list(entries.values()), "departments": departments, "items": items, "bundles": bundles}
    )


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
