"""Reading the current catalogue: latest published versions of items and bundles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..models import Bundle, BundleStep, BundleVersion, Department, Item, ItemVersion
from ..models.common import VERSION_CANCELLED, VERSION_PUBLISHED
from .serialize import bundle_dict, item_dict


class NotFound(LookupError):
    """A code that names nothing in the catalogue; the message is Chinese."""


def _current_only(query: Any, version_cls: Any, owner_column: Any) -> Any:
    """Keep each owner's current version only: its newest decided version, and only when that is a
    publication (when the newest is a cancellation, 取消, the item or bundle is no longer offered)."""
    newest = (
        select(owner_column, func.max(version_cls.version).label("version"))
        .where(version_cls.status.in_([VERSION_PUBLISHED, VERSION_CANCELLED]))
        .group_by(owner_column)
        .subquery()
    )
    return query.join(
        newest, (owner_column == newest.c[owner_column.key]) & (version_cls.version == newest.c.version)
    ).where(version_cls.status == VERSION_PUBLISHED)


def latest_item_versions(session: Session, codes: Iterable[str] | None = None) -> dict[str, ItemVersion]:
    """The latest published version of each item (or of the items named), keyed by item code."""
    query = _current_only(select(ItemVersion), ItemVersion, ItemVersion.item_id)
    query = (
        query.join(Item, Item.id == ItemVersion.item_id)
        .options(
            selectinload(ItemVersion.fields),
            selectinload(ItemVersion.materials),
            selectinload(ItemVersion.item).selectinload(Item.department),
        )
        .order_by(Item.code)
    )
    if codes is not None:
        query = query.where(Item.code.in_(list(codes)))
    return {v.item.code: v for v in session.scalars(query)}


def latest_item_version_ids(session: Session) -> dict[str, int]:
    """Ids of the latest published version of every item, by item code (nothing else loaded)."""
    query = _current_only(select(Item.code, ItemVersion.id), ItemVersion, ItemVersion.item_id)
    query = query.join(Item, Item.id == ItemVersion.item_id)
    return {code: version_id for code, version_id in session.execute(query)}


def _with_step_items(query: Any) -> Any:
    """A query over bundle versions joined to their bundle, their steps and the steps' items."""
    return (
        query.join(Bundle, Bundle.id == BundleVersion.bundle_id)
        .join(BundleStep, BundleStep.bundle_version_id == BundleVersion.id)
        .join(Item, Item.id == BundleStep.item_id)
    )


@dataclass(frozen=True)
class CurrentVersions:
    """What a new application is pinned to."""

    bundle_version_id: int
    lead_department_id: int
    item_versions: dict[str, int]  # item code → id of its latest published version


@cache
def _current_versions_statement() -> Any:
    """Built once per process: constructing the statement cost more than running it."""
    query = _current_only(
        select(BundleVersion.id, BundleVersion.lead_department_id, Item.code, ItemVersion.id),
        BundleVersion,
        BundleVersion.bundle_id,
    )
    query = (
        _with_step_items(query)
        .join(ItemVersion, ItemVersion.item_id == Item.id)
        .where(Bundle.code == bindparam("bundle_code"))
    )
    return _current_only(query, ItemVersion, ItemVersion.item_id)


def latest_item_version_number(session: Session, item_id: int) -> int | None:
    """The number of the item's latest published version (None when it is not offered now)."""
    query = _current_only(select(ItemVersion.version), ItemVersion, ItemVersion.item_id)
    return session.scalar(query.where(ItemVersion.item_id == item_id))


def current_versions(session: Session, bundle_code: str) -> CurrentVersions | None:
    """The bundle's latest published version, its lead department and the latest published versions
    of its steps' items, in one query."""
    rows = session.execute(_current_versions_statement(), {"bundle_code": bundle_code}).all()
    if not rows:
        return None
    return CurrentVersions(
        rows[0][0], rows[0][1], {code: item_version_id for _, _, code, item_version_id in rows}
    )


def latest_bundle_versions(session: Session, codes: Iterable[str] | None = None) -> dict[str, BundleVersion]:
    """The latest published version of each bundle, keyed by bundle code."""
    query = _current_only(select(BundleVersion), BundleVersion, BundleVersion.bundle_id)
    query = (
        query.join(Bundle, Bundle.id == BundleVersion.bundle_id)
        .options(
            selectinload(BundleVersion.bundle),
            selectinload(BundleVersion.lead_department),
            selectinload(BundleVersion.questions),
            selectinload(BundleVersion.steps).selectinload(BundleStep.item),
            selectinload(BundleVersion.steps).selectinload(BundleStep.prerequisites),
        )
        .order_by(Bundle.code)
    )
    if codes is not None:
        query = query.where(Bundle.code.in_(list(codes)))
    return {v.bundle.code: v for v in session.scalars(query)}


def items_changed_since_bundles(session: Session) -> dict[str, list[str]]:
    """Current bundles with items that were changed or cancelled after the bundle's current version
    was published, in one query: bundle code -> item codes."""
    later = aliased(ItemVersion)
    query = _current_only(
        select(Bundle.code, Item.code).select_from(BundleVersion), BundleVersion, BundleVersion.bundle_id
    )
    query = (
        _with_step_items(query)
        .join(later, later.item_id == Item.id)
        .where(
            later.created_at > BundleVersion.created_at,
            later.status.in_([VERSION_PUBLISHED, VERSION_CANCELLED]),
        )
        .distinct()
        .order_by(Bundle.code, Item.code)
    )
    flagged: dict[str, list[str]] = {}
    for bundle_code, item_code in session.execute(query):
        flagged.setdefault(bundle_code, []).append(item_code)
    return flagged


def departments_by_code(session: Session) -> dict[str, Department]:
    return {d.code: d for d in session.scalars(select(Department).order_by(Department.code))}


@dataclass
class BundleDefinition:
    """A bundle version with its items, all as contract-shaped dicts for graphs/ and forms/."""

    version: BundleVersion
    bundle: dict[str, Any]
    items: dict[str, dict[str, Any]]
    departments: dict[str, Department]


def bundle_definition(session: Session, code: str) -> BundleDefinition:
    """Load the current version of a bundle and the current versions of its items."""
    version = latest_bundle_versions(session, [code]).get(code)
    if version is None:
        raise NotFound(f"一件事“{code}”不存在或尚未发布")
    bundle = bundle_dict(version)
    item_versions = latest_item_versions(session, [s["item"] for s in bundle["steps"]])
    items = {c: item_dict(v) for c, v in item_versions.items()}
    return BundleDefinition(version, bundle, items, departments_by_code(session))


def bundles_using(session: Session, item_code: str) -> list[tuple[str, str]]:
    """(code, name) of the current bundles with a step of the item, by bundle code."""
    query = _current_only(
        select(Bundle.code, BundleVersion.name).select_from(BundleVersion),
        BundleVersion,
        BundleVersion.bundle_id,
    )
    query = _with_step_items(query).where(Item.code == item_code).distinct().order_by(Bundle.code)
    return [(code, name) for code, name in session.execute(query)]


def item_listing(
    session: Session, words: list[str], department: str | None, offset: int, limit: int
) -> tuple[int, list[tuple[str, str, str, str]]]:
    """A page of the current items whose code, name or department holds every word: the total found
    and (code, name, type, department name) of each on the page, by code. Only these columns load."""
    query = _current_only(
        select(Item.code, ItemVersion.name, ItemVersion.type, Department.name).select_from(ItemVersion),
        ItemVersion,
        ItemVersion.item_id,
    )
    query = query.join(Item, Item.id == ItemVersion.item_id).join(
        Department, Department.id == Item.department_id
    )
    for word in words:
        word = word.lower()
        query = query.where(
            func.lower(ItemVersion.name).contains(word, autoescape=True)
            | func.lower(Item.code).contains(word, autoescape=True)
            | func.lower(Department.name).contains(word, autoescape=True)
        )
    if department:
        query = query.where(Department.code == department)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Item.code).offset(offset).limit(limit)).all()
    return total, [(code, name, kind, dept) for code, name, kind, dept in rows]
