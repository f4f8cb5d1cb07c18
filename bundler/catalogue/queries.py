"""Reading the current catalogue: latest published versions of items and bundles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Bundle, BundleStep, BundleVersion, Department, Item, ItemVersion
from ..models.common import VERSION_PUBLISHED
from .serialize import bundle_dict, item_dict


class NotFound(LookupError):
    """A code that names nothing in the catalogue; the message is Chinese."""


def _latest(version_cls: Any, owner_column: Any) -> Any:
    return (
        select(owner_column, func.max(version_cls.version).label("version"))
        .where(version_cls.status == VERSION_PUBLISHED)
        .group_by(owner_column)
        .subquery()
    )


def latest_item_versions(session: Session, codes: Iterable[str] | None = None) -> dict[str, ItemVersion]:
    """The latest published version of each item (or of the items named), keyed by item code."""
    latest = _latest(ItemVersion, ItemVersion.item_id)
    query = (
        select(ItemVersion)
        .join(latest, (ItemVersion.item_id == latest.c.item_id) & (ItemVersion.version == latest.c.version))
        .join(Item, Item.id == ItemVersion.item_id)
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


def latest_item_version_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    """Ids of the latest published version of the items named (nothing else loaded)."""
    latest = _latest(ItemVersion, ItemVersion.item_id)
    query = (
        select(Item.code, ItemVersion.id)
        .join(latest, (ItemVersion.item_id == latest.c.item_id) & (ItemVersion.version == latest.c.version))
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.code.in_(list(codes)))
    )
    return {code: version_id for code, version_id in session.execute(query)}


def latest_bundle_version_id(session: Session, code: str) -> int | None:
    """Id of the latest published version of one bundle (one query, nothing else loaded)."""
    latest = _latest(BundleVersion, BundleVersion.bundle_id)
    query = (
        select(BundleVersion.id)
        .join(latest, (BundleVersion.bundle_id == latest.c.bundle_id) & (BundleVersion.version == latest.c.version))
        .join(Bundle, Bundle.id == BundleVersion.bundle_id)
        .where(Bundle.code == code)
    )
    return session.scalar(query)


def latest_bundle_versions(session: Session, codes: Iterable[str] | None = None) -> dict[str, BundleVersion]:
    """The latest published version of each bundle, keyed by bundle code."""
    latest = _latest(BundleVersion, BundleVersion.bundle_id)
    query = (
        select(BundleVersion)
        .join(
            latest,
            (BundleVersion.bundle_id == latest.c.bundle_id) & (BundleVersion.version == latest.c.version),
        )
        .join(Bundle, Bundle.id == BundleVersion.bundle_id)
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
