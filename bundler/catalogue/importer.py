"""``bundler import``: store catalogue files, all or nothing per file, unchanged content creating nothing."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..channels import CHANNELS
from ..models import (
    Bundle,
    BundleQuestion,
    BundleStep,
    BundleVersion,
    CatalogueEntry,
    Delivery,
    Department,
    Item,
    ItemField,
    ItemMaterial,
    ItemVersion,
    Task,
)
from ..models.common import VERSION_PUBLISHED
from ..queues import delivery_queue_name
from ..states import DeliveryState
from .contract import (
    BUNDLE_KEYS,
    CATALOGUE_KEYS,
    DEPARTMENT_KEYS,
    FIELD_KEYS,
    ITEM_KEYS,
    ITEM_TEXT_KEYS,
    MATERIAL_KEYS,
    QUESTION_KEYS,
    STEP_KEYS,
    Document,
    KnownCatalogue,
    Problem,
    against_catalogue,
    check_references,
    parse_document,
)
from .queries import departments_by_code, latest_bundle_versions, latest_item_versions
from .serialize import content_hash, item_dict, without_code

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class ImportResult:
    documents: list[Document]
    counts: Counter[str] = field(default_factory=Counter)
    # 基本目录 entries changed by the import: the district items that must now follow them
    to_follow: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(doc.ok for doc in self.documents)

    @property
    def problems(self) -> list[Problem]:
        return [p for doc in self.documents for p in doc.problems]


def load_document(path: str | Path) -> Document:
    """Read and normalise one file; unreadable files and YAML syntax errors become problems."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Document(name, problems=[Problem(name, "文件", "文件不存在")])
    except (OSError, UnicodeDecodeError) as exc:
        return Document(name, problems=[Problem(name, "文件", f"无法读取（须为 UTF-8 编码的 YAML）：{exc}")])
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "文件"
        return Document(
            name, problems=[Problem(name, where, f"YAML 格式错误：{getattr(exc, 'problem', exc)}")]
        )
    return parse_document(name, data)


def known_catalogue(session: Session, items: Mapping[str, Mapping[str, Any]] | None = None) -> KnownCatalogue:
    """What references may point to. ``items`` (current item dicts by code) may come from a cache of
    the caller's; otherwise they are built from the database."""
    if items is None:
        items = {code: item_dict(v) for code, v in latest_item_versions(session).items()}
    return KnownCatalogue(
        departments=set(session.scalars(select(Department.code))),
        items={code: dict(entry) for code, entry in items.items()},
        bundles=set(session.scalars(select(Bundle.code))),
        catalogue={e.code: e.to_contract() for e in session.scalars(select(CatalogueEntry))},
    )


def _extras(entry: dict[str, Any], known: Iterable[str]) -> dict[str, Any]:
    known = set(known)
    return {k: v for k, v in entry.items() if k not in known}


def _store_department(session: Session, entry: dict[str, Any], existing: dict[str, Department]) -> str:
    values = {
        "name": entry["name"],
        "channel": entry["channel"],
        "webhook_url": entry["webhook_url"],
        "extra": _extras(entry, DEPARTMENT_KEYS),
    }
    dept = existing.get(entry["code"])
    if dept is None:
        dept = Department(code=entry["code"], **values)
        session.add(dept)
        existing[dept.code] = dept
        _ensure_webhook_secret(dept)
        return "departments_created"
    _ensure_webhook_secret(dept, values["channel"])
    if all(getattr(dept, k) == v for k, v in values.items()):
        return "departments_unchanged"
    moved = dept.channel != values["channel"]
    for key, value in values.items():
        setattr(dept, key, value)
    if moved and dept.id is not None:
        _follow_channel(session, dept)
    return "departments_updated"


def _follow_channel(session: Session, dept: Department) -> None:
    """A department that changes how it receives its work (its own system ↔ the inbox): deliveries not
    yet made go to the queue of the new channel, so that a retry never lands on the other worker."""
    queue = delivery_queue_name(dept.code, remote=CHANNELS.get(dept.channel).remote)
    session.execute(
        update(Delivery)
        .where(
            Delivery.task_id.in_(select(Task.id).where(Task.department_id == dept.id)),
            Delivery.status != DeliveryState.DELIVERED,
        )
        .values(queue=queue)
        .execution_options(synchronize_session=False)
    )


def _ensure_webhook_secret(dept: Department, channel: str | None = None) -> None:
    """A department that receives webhooks gets an HMAC key (not part of the file format; shown by
    ``bundler department secret``)."""
    if (channel or dept.channel) == "webhook" and not dept.webhook_secret:
        dept.webhook_secret = secrets.token_hex(32)


def _next_version(session: Session, column: Any, owner_id: int | None) -> int:
    if owner_id is None:
        return 1
    return (session.scalar(select(func.max(column.class_.version)).where(column == owner_id)) or 0) + 1


def _owner_needing_version(
    session: Session, owner_cls: type[Any], entry: dict[str, Any], latest: dict[str, Any], **create: Any
) -> tuple[Any | None, str]:
    """The item or bundle whose content changed (created if new), or None when it is unchanged;
    and the fingerprint of the entry's content."""
    digest = content_hash(without_code(entry))
    current = latest.get(entry["code"])
    if current is not None and current.content_hash == digest:
        return None, digest
    owner = session.scalar(select(owner_cls).where(owner_cls.code == entry["code"]))
    if owner is None:
        owner = owner_cls(code=entry["code"], **create)
        session.add(owner)
        session.flush()
    return owner, digest


def store_item(
    session: Session,
    entry: dict[str, Any],
    departments: dict[str, Department],
    latest: dict[str, ItemVersion],
    status: str = VERSION_PUBLISHED,
) -> str:
    """A new version of the item when its content changed (or always, given an empty ``latest``)."""
    item, digest = _owner_needing_version(
        session, Item, entry, latest, department=departments[entry["department"]]
    )
    if item is None:
        return "items_unchanged"
    item.department = departments[entry["department"]]
    version = ItemVersion(
        item=item,
        version=_next_version(session, ItemVersion.item_id, item.id),
        status=status,
        content_hash=digest,
        name=entry["name"],
        type=entry["type"],
        legal_days=entry["legal_days"],
        promised_days=entry["promised_days"],
        extra=_extras(entry, ITEM_KEYS),
        **{key: entry[key] for key in ITEM_TEXT_KEYS},
    )
    version.fields = [
        ItemField(position=i, extra=_extras(f, FIELD_KEYS), **{k: f[k] for k in FIELD_KEYS})
        for i, f in enumerate(entry["fields"])
    ]
    version.materials = [
        ItemMaterial(position=i, extra=_extras(m, MATERIAL_KEYS), **{k: m[k] for k in MATERIAL_KEYS})
        for i, m in enumerate(entry["materials"])
    ]
    session.add(version)
    session.flush()
    latest[entry["code"]] = version
    return "items_created" if version.version == 1 else "items_new_version"


def store_bundle(
    session: Session,
    entry: dict[str, Any],
    departments: dict[str, Department],
    latest: dict[str, BundleVersion],
    status: str = VERSION_PUBLISHED,
) -> str:
    """A new version of the bundle when its content changed (or always, given an empty ``latest``)."""
    bundle, digest = _owner_needing_version(session, Bundle, entry, latest)
    if bundle is None:
        return "bundles_unchanged"
    step_codes = [s["item"] for s in entry["steps"]]
    items = {i.code: i for i in session.scalars(select(Item).where(Item.code.in_(step_codes)))}
    version = BundleVersion(
        bundle=bundle,
        version=_next_version(session, BundleVersion.bundle_id, bundle.id),
        status=status,
        content_hash=digest,
        name=entry["name"],
        lead_department=departments[entry["lead_department"]],
        description=entry["description"],
        extra=_extras(entry, BUNDLE_KEYS),
    )
    version.questions = [
        BundleQuestion(
            position=i,
            key=q["id"],
            text=q["text"],
            type=q["type"],
            options=q["options"],
            extra=_extras(q, QUESTION_KEYS),
        )  # fmt: skip
        for i, q in enumerate(entry["questions"])
    ]
    steps = {
        s["item"]: BundleStep(
            position=i, item=items[s["item"]], condition=s["when"], extra=_extras(s, STEP_KEYS)
        )
        for i, s in enumerate(entry["steps"])
    }
    for s in entry["steps"]:
        steps[s["item"]].prerequisites = [steps[d] for d in s["depends_on"]]
    version.steps = list(steps.values())
    session.add(version)
    session.flush()
    latest[entry["code"]] = version
    return "bundles_created" if version.version == 1 else "bundles_new_version"


def store_documents(session: Session, documents: list[Document]) -> Counter[str]:
    """Write the accepted documents' entries (departments, then items, then bundles); caller commits."""
    counts: Counter[str] = Counter()
    accepted = [d for d in documents if d.ok]
    for doc in accepted:
        for entry in doc.catalogue:
            counts[_store_catalogue_entry(session, entry)] += 1
    departments = departments_by_code(session)
    for doc in accepted:
        for entry in doc.departments:
            counts[_store_department(session, entry, departments)] += 1
    session.flush()
    item_versions = latest_item_versions(session, [i["code"] for d in accepted for i in d.items])
    for doc in accepted:
        for entry in doc.items:
            counts[store_item(session, entry, departments, item_versions)] += 1
    bundle_versions = latest_bundle_versions(session, [b["code"] for d in accepted for b in d.bundles])
    for doc in accepted:
        for entry in doc.bundles:
            counts[store_bundle(session, entry, departments, bundle_versions)] += 1
    return counts


def _store_catalogue_entry(session: Session, entry: dict[str, Any]) -> str:
    """Insert or update a 基本目录 entry (the province's list is the source: it is taken as given)."""
    found = session.scalar(select(CatalogueEntry).where(CatalogueEntry.code == entry["code"]))
    if found is None:
        session.add(CatalogueEntry(**{k: entry[k] for k in CATALOGUE_KEYS}))
        return "catalogue_created"
    if found.to_contract() == {k: entry[k] for k in CATALOGUE_KEYS}:
        return "catalogue_unchanged"
    for key in CATALOGUE_KEYS:
        setattr(found, key, entry[key])
    return "catalogue_updated"


def items_to_follow(session: Session, codes: Iterable[str] | None = None) -> list[str]:
    """The district items (latest versions) that no longer keep the name, type or basis of the 基本目录
    entry they name: each must follow it by a change of its own. ``codes`` limits it to some entries."""
    entries = {e.code: e.to_contract() for e in session.scalars(select(CatalogueEntry))}
    wanted = set(codes) if codes is not None else set(entries)
    told = []
    for code, version in sorted(latest_item_versions(session).items()):
        item = item_dict(version)
        basic = item.get("catalogue_code")
        if basic in wanted and basic in entries:
            told += [f"事项 {code}：{message}" for message in against_catalogue(item, entries)]
    return told


def changed_items(
    session: Session, documents: Iterable[Document]
) -> dict[str, tuple[Document, dict[str, Any]]]:
    """The items of the accepted documents whose content differs from their published version."""
    entries = {i["code"]: (doc, i) for doc in documents if doc.ok for i in doc.items}
    latest = latest_item_versions(session, list(entries))
    return {
        code: (doc, entry)
        for code, (doc, entry) in entries.items()
        if code in latest and latest[code].content_hash != content_hash(without_code(entry))
    }


def import_files(
    session: Session,
    paths: Iterable[str | Path],
    *,
    also_check: Callable[[list[Document]], None] | None = None,
) -> ImportResult:
    """Check a batch of files together and store every file that has no problem, in the caller's
    transaction (one commit makes the whole batch visible). ``also_check`` adds problems of its own
    before anything is stored (the services' impact check of changed items on published bundles)."""
    documents = [load_document(p) for p in paths]
    check_references(documents, known_catalogue(session))
    if also_check is not None:
        also_check(documents)
    counts = store_documents(session, documents)
    session.flush()
    changed = [e["code"] for d in documents if d.ok for e in d.catalogue]
    return ImportResult(documents, counts, items_to_follow(session, changed) if changed else [])
