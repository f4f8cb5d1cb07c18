"""Catalogue changes (事项动态管理): draft → submit → review → publish, each publication a new version.

A department drafts changes to its own items, a lead department to its own bundles; a reviewer (or an
administrator) publishes or sends back. Publishing goes through the importer, so a change and
``bundler import`` of the same content give the same version, and unchanged content gives none.
Cancelling (取消) publishes a version marked cancelled; publishing an earlier version's content again
(恢复) is an ordinary change, so the history is never rewritten.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..catalogue.contract import check_references, parse_document
from ..catalogue.definitions import catalogue_items
from ..catalogue.exporter import dump_yaml
from ..catalogue.importer import known_catalogue, store_bundle, store_item
from ..catalogue.queries import (
    bundles_using,
    departments_by_code,
    latest_bundle_versions,
    latest_item_versions,
)
from ..catalogue.serialize import bundle_dict, item_dict
from ..clock import utcnow
from ..models import (
    Application,
    Bundle,
    BundleVersion,
    CatalogueChange,
    Department,
    Item,
    ItemVersion,
    Task,
    User,
)
from ..models.changes import ACTION_CANCEL, ACTION_CHANGE, ACTION_CREATE, KIND_BUNDLE, KIND_ITEM
from ..models.common import VERSION_CANCELLED, VERSION_PUBLISHED
from ..permissions import Permission, allows
from ..states import ACCEPTED_STATES, FINISHED_TASKS, OPEN_CHANGE_STATES, ChangeState
from . import adjustments


class ChangeError(ValueError):
    """A change that cannot be made as asked; the message is Chinese."""


# --- permissions -----------------------------------------------------------------------------------


def may_draft(user: User, kind: str, department_id: int | None) -> bool:
    """Departments draft their own items; lead departments their own bundles (and their items)."""
    needed = Permission.DRAFT_BUNDLE_CHANGES if kind == KIND_BUNDLE else Permission.DRAFT_ITEM_CHANGES
    if not allows(user.role, needed):
        return False
    if allows(user.role, Permission.SEE_ALL_CATALOGUE):
        return True
    return department_id is not None and user.department_id == department_id


def may_review(user: User) -> bool:
    return allows(user.role, Permission.REVIEW_CHANGES)


def _ref_for(change: CatalogueChange, user: User) -> str:
    """“（#12）” for a change the user's department may open; nothing for another department's."""
    return f"（#{change.id}）" if may_draft(user, change.kind, change.department_id) else ""


def require_draft_right(user: User, change: CatalogueChange) -> None:
    if not may_draft(user, change.kind, change.department_id):
        raise ChangeError("只能修改本部门的事项或本部门牵头的一件事")


# --- what is published -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """What differs between items and bundles, in one place."""

    file_key: str  # the catalogue file's list: items | bundles
    owner: Any  # Item | Bundle
    version: Any  # ItemVersion | BundleVersion
    owner_key: str  # the entry's department: department | lead_department
    latest: Callable[..., dict[str, Any]]
    store: Callable[..., str]
    entry: Callable[[Any], dict[str, Any]]

    def versions(self, code: str, number: int | None = None) -> Any:
        """The query of the versions of ``code`` (or of one of them), oldest first."""
        query = select(self.version).join(self.owner).where(self.owner.code == code)
        if number is not None:
            query = query.where(self.version.version == number)
        return query.order_by(self.version.version)


_KINDS = {
    KIND_ITEM: _Kind("items", Item, ItemVersion, "department", latest_item_versions, store_item, item_dict),
    KIND_BUNDLE: _Kind(
        "bundles", Bundle, BundleVersion, "lead_department", latest_bundle_versions, store_bundle, bundle_dict
    ),
}


def current(session: Session, kind: str, code: str) -> tuple[int, dict[str, Any]] | None:
    """The version number and content of what is offered now (None when new or cancelled)."""
    spec = _KINDS[kind]
    version = spec.latest(session, [code]).get(code)
    return (version.version, spec.entry(version)) if version is not None else None


def owner_department(session: Session, kind: str, entry: dict[str, Any]) -> Department | None:
    code = entry.get(_KINDS[kind].owner_key)
    return session.scalar(select(Department).where(Department.code == code)) if code else None


@dataclass(frozen=True)
class VersionRecord:
    """One line of an item's or bundle's history."""

    version: int
    status: str
    created_at: datetime
    content: dict[str, Any]
    change: CatalogueChange | None

    @property
    def status_label(self) -> str:
        return "已取消" if self.status == VERSION_CANCELLED else "已发布"


def history(session: Session, kind: str, code: str) -> list[VersionRecord]:
    """Every version, newest first, with the change that published it (None: imported from a file)."""
    changes = {
        c.published_version: c
        for c in session.scalars(
            select(CatalogueChange).where(
                CatalogueChange.kind == kind,
                CatalogueChange.code == code,
                CatalogueChange.status == ChangeState.PUBLISHED,
            )
        )
    }
    spec = _KINDS[kind]
    versions = session.scalars(spec.versions(code)).all()
    return [
        VersionRecord(v.version, v.status, v.created_at, spec.entry(v), changes.get(v.version))
        for v in reversed(versions)
    ]


def version_content(session: Session, kind: str, code: str, number: int) -> dict[str, Any]:
    spec = _KINDS[kind]
    version = session.scalar(spec.versions(code, number))
    if version is None:
        raise ChangeError(f"{code} 没有第 {number} 版")
    return spec.entry(version)


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, labels: tuple[str, str]
) -> list[str]:
    """Line diff of two entries as they read in a catalogue file."""
    old = dump_yaml(before).splitlines() if before else []
    new = dump_yaml(after).splitlines() if after else []
    return list(difflib.unified_diff(old, new, fromfile=labels[0], tofile=labels[1], lineterm="", n=2))


# --- drafting ----------------------------------------------------------------------------------------


def _open_change(session: Session, kind: str, code: str) -> CatalogueChange | None:
    return session.scalar(
        select(CatalogueChange).where(
            CatalogueChange.kind == kind,
            CatalogueChange.code == code,
            CatalogueChange.status.in_(OPEN_CHANGE_STATES),
        )
    )


def start_change(
    session: Session,
    user: User,
    kind: str,
    code: str,
    action: str,
    *,
    content: dict[str, Any] | None = None,
    from_version: int | None = None,
) -> CatalogueChange:
    """A draft 新增 / 变更 / 取消. A change starts from the current content (or an earlier version's,
    to publish it again); a new entry from ``content``."""
    code = code.strip()
    if not code:
        raise ChangeError("请填写编码")
    existing = _open_change(session, kind, code)
    if existing is not None:
        raise ChangeError(f"{code} 已有一项未完成的变更，请先完成或撤回{_ref_for(existing, user)}")
    now = current(session, kind, code)
    if action == ACTION_CREATE:
        if session.scalar(_KINDS[kind].versions(code)) is not None:
            raise ChangeError(f"编码 {code} 已被使用")
        base, entry = None, dict(content or {}, code=code)
    elif now is None and from_version is None:
        raise ChangeError(f"{code} 不存在或已取消；恢复已取消的请从历史版本发起")
    else:
        base = now[0] if now else None
        entry = version_content(session, kind, code, from_version) if from_version else now[1]  # type: ignore[index]
        if action == ACTION_CANCEL and now is None:
            raise ChangeError(f"{code} 已经取消")
    department = owner_department(session, kind, entry)
    if department is None or not may_draft(user, kind, department.id):
        raise ChangeError("只能修改本部门的事项或本部门牵头的一件事")
    change = CatalogueChange(
        kind=kind,
        code=code,
        action=action,
        status=ChangeState.DRAFT,
        content=entry,
        base_version=base,
        department=department,
        created_by=user,
        drafters=[user.id] if user.id is not None else [],
        reason=f"恢复第 {from_version} 版" if from_version else "",
        legal_basis="",
    )
    session.add(change)
    session.flush()
    return change


def confirm_element(
    session: Session, user: User, item_code: str, field_name: str, role: str, element: str
) -> CatalogueChange:
    """Give a label-only field its role and element (a suggestion the lead department accepts) in a
    draft change of the item: the open one of the user's department, or a new one. It takes effect,
    like any change, when a reviewer publishes it."""
    if not role.strip() or not element.strip():
        raise ChangeError("数据主体与数据元都要填写")
    change = _open_change(session, KIND_ITEM, item_code)
    if change is None:
        change = start_change(session, user, KIND_ITEM, item_code, ACTION_CHANGE)
    elif not change.editable:
        raise ChangeError(f"事项 {item_code} 有一项变更正在审核{_ref_for(change, user)}，请审核完成后再确认")
    content = dict(change.content)
    fields = [dict(f) for f in content.get("fields", [])]
    target = next((f for f in fields if f.get("name") == field_name), None)
    if target is None:
        raise ChangeError(f"事项 {item_code} 没有字段 {field_name}")
    target["role"], target["element"] = role.strip(), element.strip()
    content["fields"] = fields
    save_content(session, change, user, content)
    if not change.reason:
        change.reason = "补充数据元，使字段在一件事中合并"
    return change


def save_content(session: Session, change: CatalogueChange, user: User, content: dict[str, Any]) -> None:
    """Store the edited content of a draft (its problems are shown, not refused, until submission)."""
    if not change.editable:
        raise ChangeError("该变更已提交审核或已完成，不能再修改")
    require_draft_right(user, change)
    content = dict(content, code=change.code)
    department = owner_department(session, change.kind, content)
    if department is None or not may_draft(user, change.kind, department.id):
        raise ChangeError("牵头部门或实施部门只能是本部门")
    change.content = content
    change.department = department
    _record_drafter(change, user)


def _read(session: Session, change: CatalogueChange) -> tuple[list[str], dict[str, Any] | None]:
    """The content read and checked as a catalogue file would be: the contract's problems (shape and
    references) and the normalised entry (None for a cancellation, which carries no new content)."""
    if change.action == ACTION_CANCEL:
        return [], None
    key = _KINDS[change.kind].file_key
    document = parse_document(f"变更 #{change.id}", {key: [change.content]})
    check_references([document], known_catalogue(session, catalogue_items(session)))
    entries = getattr(document, key)
    return [f"{p.entry}：{p.message}" for p in document.problems], entries[0] if entries else None


def contract_problems(session: Session, change: CatalogueChange) -> list[str]:
    return _read(session, change)[0]


def _with_studio_errors(session: Session, change: CatalogueChange, found: list[str]) -> list[str]:
    """A bundle that reads well is also held to the studio's checker (conflicts, fields nobody fills…)."""
    if change.kind != KIND_BUNDLE or change.action == ACTION_CANCEL or found:
        return found
    from .studio import review  # the studio builds on this module's permissions

    return [f.message for f in review(session, change.content).errors]


def problems(session: Session, change: CatalogueChange) -> list[str]:
    """Everything that stops the change from being submitted or published, in Chinese."""
    return _with_studio_errors(session, change, contract_problems(session, change))


def submit(
    session: Session,
    change: CatalogueChange,
    user: User,
    *,
    reason: str,
    legal_basis: str,
    cause: str = "",
    cause_date: date | None = None,
    scope: str | None = None,
    upper_requested_on: date | None = None,
) -> None:
    """Submit for review; with the date its cause arose (and what it touches) the change gets the
    dates the adjustment rules give (``services/adjustments.py``)."""
    if not change.editable:
        raise ChangeError("该变更已提交审核或已完成")
    require_draft_right(user, change)
    if not reason.strip():
        raise ChangeError("请填写变更理由")
    if change.action != ACTION_CANCEL and not legal_basis.strip():
        raise ChangeError("请填写变更依据（法律法规或政策文件）")
    found = problems(session, change)
    if found:
        raise ChangeError("还有问题未解决：" + "；".join(found[:5]))
    try:
        adjustments.record_cause(
            change, cause=cause, cause_date=cause_date, scope=scope, upper_requested_on=upper_requested_on
        )
    except adjustments.AdjustmentError as exc:
        raise ChangeError(str(exc)) from exc
    adjustments.schedule(session, change)
    change.reason = reason.strip()
    change.legal_basis = legal_basis.strip()
    change.status = ChangeState.SUBMITTED
    change.submitted_at = utcnow()
    _record_drafter(change, user)


def withdraw(change: CatalogueChange, user: User) -> None:
    if change.status not in OPEN_CHANGE_STATES:
        raise ChangeError("该变更已完成")
    require_draft_right(user, change)
    change.status = ChangeState.WITHDRAWN


def reject(change: CatalogueChange, user: User, note: str) -> None:
    if not may_review(user):
        raise ChangeError("只有审核人可以退回变更")
    if change.status != ChangeState.SUBMITTED:
        raise ChangeError("只能退回待审核的变更")
    if not note.strip():
        raise ChangeError("请写明退回理由")
    change.status = ChangeState.REJECTED
    change.reviewed_by = user
    change.reviewed_at = utcnow()
    change.review_note = note.strip()


def _record_drafter(change: CatalogueChange, user: User) -> None:
    if user.id is not None and user.id not in change.drafters:
        change.drafters = [*change.drafters, user.id]


def drafted_by(change: CatalogueChange, user: User) -> bool:
    """Whether the user created, edited or submitted the change (and so may not publish it); the
    creator is always among the drafters (start_change, and migration 0011 for older changes)."""
    return user.id in change.drafters


@dataclass(frozen=True)
class BrokenBundle:
    """A bundle that an item change would break: what its checker finds only with the change applied."""

    code: str
    name: str
    problems: list[str]
    items: tuple[str, ...] = ()  # the changed items it uses

    @property
    def message(self) -> str:
        return f"会使一件事“{self.name}”（{self.code}）出错：{'；'.join(self.problems[:3])}"


def broken_bundles(session: Session, change: CatalogueChange) -> list[BrokenBundle]:
    """The bundles using the changed item whose checker finds new errors once the change is applied
    (a new conflict, a produced_by that no longer holds, a required field nobody fills …)."""
    if change.kind != KIND_ITEM or change.action == ACTION_CANCEL:
        return []
    found, entry = _read(session, change)
    if found or entry is None:
        return []
    return bundles_broken_by(session, {change.code: entry})


def bundles_broken_by(
    session: Session, items: Mapping[str, dict[str, Any]], skip: Container[str] = ()
) -> list[BrokenBundle]:
    """The published bundles (but those in ``skip``) using any of ``items`` whose studio checker finds
    errors with these item contents in place that it does not find now."""
    from .studio import review  # the studio builds on this module's permissions

    broken = []
    for code, version in sorted(latest_bundle_versions(session).items()):
        used = tuple(step.item.code for step in version.steps if step.item.code in items)
        if code in skip or not used:
            continue
        content = bundle_dict(version)
        before = {f.message for f in review(session, content).errors}
        after = [f.message for f in review(session, content, items_override=items).errors]
        new = [m for m in after if m not in before]
        if new:
            broken.append(BrokenBundle(code, version.name, new, used))
    return broken


def _draft_follow_ups(session: Session, change: CatalogueChange, broken: list[BrokenBundle]) -> list[str]:
    """A draft change of each broken bundle for its lead department, saying what to adjust."""
    made = []
    for bundle in broken:
        if _open_change(session, KIND_BUNDLE, bundle.code) is not None:
            continue  # the lead department already has one open: it sees the problem there
        now = current(session, KIND_BUNDLE, bundle.code)
        if now is None:
            continue
        department = owner_department(session, KIND_BUNDLE, now[1])
        if department is None:
            continue
        session.add(
            CatalogueChange(
                kind=KIND_BUNDLE,
                code=bundle.code,
                action=ACTION_CHANGE,
                status=ChangeState.DRAFT,
                content=now[1],
                base_version=now[0],
                department=department,
                created_by=None,
                drafters=[],
                reason=f"事项 {change.code} 已变更，本件事须随之调整：{'；'.join(bundle.problems[:3])}",
                legal_basis=change.legal_basis,
            )
        )
        made.append(bundle.code)
    return made


def publish(
    session: Session, change: CatalogueChange, user: User, note: str = "", *, with_bundle_drafts: bool = False
) -> int | None:
    """Publish a submitted change; returns the new version number (None: content already current).
    An item change that would break a bundle using it is refused with the bundle named, unless the
    reviewer chooses ``with_bundle_drafts``: then it is published with a draft change of each such bundle
    for its lead department (open applications keep their versions either way)."""
    if not may_review(user):
        raise ChangeError("只有审核人可以发布变更")
    if drafted_by(change, user):
        raise ChangeError("起草、修改或提交过该变更的人不能发布它，请由另一位审核人审核发布")
    if change.status != ChangeState.SUBMITTED:
        raise ChangeError("只能发布待审核的变更")
    found, entry = _read(session, change)
    found = _with_studio_errors(session, change, found)
    if found:
        raise ChangeError("还有问题未解决：" + "；".join(found[:5]))
    broken = broken_bundles(session, change)
    if broken and not with_bundle_drafts:
        raise ChangeError(
            "；".join(b.message for b in broken)
            + "。请先调整这些一件事，或选择“发布并为受影响的一件事生成调整草稿”"
        )
    _draft_follow_ups(session, change, broken)
    spec = _KINDS[change.kind]
    if change.action == ACTION_CANCEL:
        now = spec.latest(session, [change.code]).get(change.code)
        if now is None:
            raise ChangeError(f"{change.code} 已经取消")
        entry, latest, status = spec.entry(now), {}, VERSION_CANCELLED
    else:
        latest, status = spec.latest(session, [change.code]), VERSION_PUBLISHED
    outcome = spec.store(session, entry, departments_by_code(session), latest, status)
    change.status = ChangeState.PUBLISHED
    change.reviewed_by = user
    change.reviewed_at = utcnow()
    change.review_note = note.strip() or None
    if outcome.endswith("_unchanged"):
        return None
    change.published_version = latest[change.code].version  # the store puts the new version there
    return change.published_version


# --- impact of an item change --------------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    """What a change to an item touches: the bundles that use it now, applications still open on it."""

    bundles: list[tuple[str, str]]  # (code, name)
    open_applications: int


def impact(session: Session, kind: str, code: str) -> Impact:
    in_flight = select(func.count(func.distinct(Application.id))).where(
        Application.status.in_(ACCEPTED_STATES)
    )
    if kind == KIND_BUNDLE:
        count = session.scalar(
            in_flight.join(BundleVersion, Application.bundle_version_id == BundleVersion.id)
            .join(Bundle)
            .where(Bundle.code == code)
        )
        return Impact([], count or 0)
    using = bundles_using(session, code)
    count = session.scalar(
        in_flight.join(Task, Task.application_id == Application.id)
        .join(ItemVersion, Task.item_version_id == ItemVersion.id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.code == code, Task.status.notin_(FINISHED_TASKS))
    )
    return Impact(using, count or 0)
