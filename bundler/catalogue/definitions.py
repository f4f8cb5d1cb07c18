"""The definitions an application is pinned to, as contract-shaped dicts, and what is computed from
them (the merged schema, the plan). Published versions never change, so each is built once per app and
shared by whoever asks (applications, departments' payloads, the studio's palette); callers must not
modify what they get.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import forms
import graphs

from ..models import Application, BundleVersion, Item, ItemVersion
from .queries import latest_item_version_ids
from .serialize import bundle_dict, item_dict

ITEM_CACHE_SIZE = 4096  # item versions (one entry each), above a district's whole catalogue


@dataclass(frozen=True)
class Pinned:
    """The bundle and item definitions an application is pinned to, as contract-shaped dicts."""

    bundle_version_id: int
    version: int
    bundle: dict[str, Any]
    items: dict[str, dict[str, Any]]


def pinned(session: Session, application: Application) -> Pinned:
    version, bundle = bundle_definition(session, application.bundle_version_id)
    return Pinned(
        application.bundle_version_id, version, bundle, item_definitions(session, application.item_versions)
    )


def item_definitions(session: Session, item_versions: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """Contract dicts of the given item versions (code -> version id). Published versions never
    change, so each is built once per app, whoever asks (applications, the studio's palette), the
    missing ones in one query; the dicts are shared: callers must not modify them."""
    cache = _cache("items")
    missing = [version_id for version_id in item_versions.values() if (version_id,) not in cache]
    if missing:
        for version_id, entry in _load_items(session, missing).items():
            cache.get((version_id,), functools.partial(_same, entry))
    return {code: cache.get((version_id,), _unknown_version) for code, version_id in item_versions.items()}


def catalogue_items(session: Session) -> dict[str, dict[str, Any]]:
    """Every item on offer now, as contract dicts from the same cache (the studio's palette, the
    reference check of catalogue changes); shared, not to be modified."""
    return item_definitions(session, latest_item_version_ids(session))


def _same(entry: dict[str, Any]) -> dict[str, Any]:
    return entry


def _unknown_version() -> dict[str, Any]:
    raise LookupError("pinned item version not found")


def bundle_definition(session: Session, bundle_version_id: int) -> tuple[int, dict[str, Any]]:
    def build() -> tuple[int, dict[str, Any]]:
        bundle_version = session.get(BundleVersion, bundle_version_id)
        assert bundle_version is not None
        return bundle_version.version, bundle_dict(bundle_version)

    found: tuple[int, dict[str, Any]] = _cache("bundles").get((bundle_version_id,), build)
    return found


def _load_items(session: Session, item_version_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    versions = session.scalars(
        select(ItemVersion)
        .where(ItemVersion.id.in_(list(item_version_ids)))
        .options(
            selectinload(ItemVersion.fields),
            selectinload(ItemVersion.materials),
            selectinload(ItemVersion.item).selectinload(Item.department),
        )
    ).all()
    return {v.id: item_dict(v) for v in versions}


class _PinnedCache:
    """Values computed from pinned versions (definitions, merged schemas): pinned versions never
    change, so an entry never goes stale; the oldest entries are dropped beyond ``size``. Callers
    must not modify what they get."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def __contains__(self, key: tuple[Any, ...]) -> bool:
        return key in self._entries

    def get(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        schema = self._entries.get(key)
        if schema is None:
            schema = self._entries[key] = build()
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return schema


def _cache(name: str) -> _PinnedCache:
    """One cache per app (tests make an app per test over a database whose ids start again)."""
    caches: dict[str, _PinnedCache] = current_app.extensions.setdefault("bundler.pinned", {})
    return caches.setdefault(name, _PinnedCache(ITEM_CACHE_SIZE if name == "items" else 256))


def _scenario_key(application: Application) -> tuple[Any, ...]:
    """What a schema or a plan depends on: the pinned versions and the scenario answers."""
    return (
        application.bundle_version_id,
        tuple(sorted(application.item_versions.items())),
        tuple(sorted(application.answers.items())),
    )


def schema_for(session: Session, application: Application) -> forms.MergedSchema:
    """The merged schema of the application, for its pinned versions and its answers."""

    def build() -> forms.MergedSchema:
        definition = pinned(session, application)
        return forms.merge(definition.bundle, definition.items, application.answers)

    schema: forms.MergedSchema = _cache("schemas").get(_scenario_key(application), build)
    return schema


def plan_for(session: Session, application: Application) -> graphs.Plan:
    """The application's plan for its pinned versions and its answers (kept like the schema: callers
    read it, never change it)."""

    def build() -> graphs.Plan:
        definition = pinned(session, application)
        return graphs.plan(
            definition.bundle, definition.items, application.answers, version=definition.version
        )

    plan: graphs.Plan = _cache("plans").get(_scenario_key(application), build)
    return plan


def item_material_keys(item: Mapping[str, Any]) -> list[str]:
    """The merged material keys (``kind|role``) an item asks for, in its order."""
    return [f"{m['kind']}|{m.get('role') or ''}" for m in item.get("materials", [])]


def commitment_verify_days(item: Mapping[str, Any]) -> int:
    """Days an item gives its department to verify (核查) a result approved on a 告知承诺 (0: none)."""
    commitment = item.get("commitment")
    return int(commitment.get("verify_days") or 0) if isinstance(commitment, Mapping) else 0
