"""办事指南抽检 (seed 000 二(二), 004 §32): a reviewer draws N published guides at random and records, for
each, that it is accurate or what is wrong; the item's department corrects it within the working days
of the ``guide_correction`` rule (5 by default) and says what it did. A correction made after its due
date, or one still owed past it, is overdue."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..catalogue.queries import latest_item_version_ids, latest_item_version_number
from ..clock import utcnow
from ..models import Department, GuideCheck, GuideCheckEntry, Item, ItemVersion, User
from ..permissions import Permission, allows
from ..states import GuideCheckState
from .adjustments import due_after

MAX_DRAW = 50
RULE = "guide_correction"


class GuideCheckError(ValueError):
    """A draw, a finding or a correction that cannot be taken; the message is Chinese."""


def draw(session: Session, user: User, size: int, rng: random.Random | None = None) -> GuideCheck:
    """Draw ``size`` guides at random among the items published now (each item once)."""
    if not allows(user.role, Permission.CHECK_GUIDES):
        raise GuideCheckError("只有审核人员可以抽检办事指南")
    published = latest_item_version_ids(session)
    if not published:
        raise GuideCheckError("目前没有已发布的事项可供抽检")
    if size < 1 or size > min(MAX_DRAW, len(published)):
        raise GuideCheckError(f"抽检数量应为 1 至 {min(MAX_DRAW, len(published))} 个")
    chosen = (rng or random.SystemRandom()).sample(sorted(published.values()), size)
    versions = session.execute(
        select(ItemVersion.id, ItemVersion.item_id, ItemVersion.version, Item.department_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(ItemVersion.id.in_(chosen))
    ).all()
    check = GuideCheck(drawn_by=user, size=size)
    by_id = {row.id: row for row in versions}
    check.entries = [
        GuideCheckEntry(
            item_id=by_id[v].item_id, department_id=by_id[v].department_id, version=by_id[v].version
        )
        for v in chosen
    ]
    session.add(check)
    session.flush()
    return check


def record(session: Session, entry: GuideCheckEntry, user: User, *, accurate: bool, findings: str) -> None:
    """The reviewer's verdict: accurate, or the findings (which start the correction clock)."""
    if not allows(user.role, Permission.CHECK_GUIDES):
        raise GuideCheckError("只有审核人员可以记录抽检结果")
    if entry.status not in (GuideCheckState.DRAWN, GuideCheckState.PASSED, GuideCheckState.FOUND):
        raise GuideCheckError("该指南已整改，不能再修改抽检结果")
    findings = findings.strip()[:2000]
    if not accurate and not findings:
        raise GuideCheckError("请写明发现的问题（哪个要素、错在哪里），部门据此整改")
    entry.checked_by = user
    entry.checked_at = utcnow()
    entry.findings = findings or None
    if accurate:
        entry.status = GuideCheckState.PASSED
        entry.due_date = None
    else:
        entry.status = GuideCheckState.FOUND
        entry.due_date = due_after(session, clock.today(), RULE)


def correct(session: Session, entry: GuideCheckEntry, user: User, note: str) -> None:
    """The department says what it corrected (and the version it published, if any, is recorded)."""
    if not allows(user.role, Permission.DRAFT_ITEM_CHANGES) or (
        not allows(user.role, Permission.SEE_ALL_CATALOGUE) and user.department_id != entry.department_id
    ):
        raise GuideCheckError("只能整改本部门事项的办事指南")
    if entry.status != GuideCheckState.FOUND:
        raise GuideCheckError("该指南没有待整改的问题")
    note = note.strip()[:2000]
    if not note:
        raise GuideCheckError("请写明整改情况（改了哪些要素，是否已发布新版本）")
    entry.correction = note
    entry.corrected_by = user
    entry.corrected_at = utcnow()
    entry.corrected_version = latest_item_version_number(session, entry.item_id)
    entry.status = GuideCheckState.CORRECTED


def is_overdue(entry: GuideCheckEntry, today: dt.date | None = None) -> bool:
    """Still owed past its due date, or corrected after it."""
    return _late(entry.status, entry.due_date, entry.corrected_at, today or clock.today())


def _late(status: str, due: dt.date | None, corrected_at: dt.datetime | None, today: dt.date) -> bool:
    if due is None:
        return False
    if status == GuideCheckState.FOUND:
        return today > due
    if status == GuideCheckState.CORRECTED and corrected_at is not None:
        return clock.local(corrected_at).date() > due
    return False


def entries(session: Session, department_id: int | None = None, limit: int = 200) -> list[GuideCheckEntry]:
    """The latest drawn guides (a department's only, when given), newest draw first."""
    query = (
        select(GuideCheckEntry)
        .options(selectinload(GuideCheckEntry.item), selectinload(GuideCheckEntry.department))
        .order_by(GuideCheckEntry.check_id.desc(), GuideCheckEntry.id)
        .limit(limit)
    )
    if department_id is not None:
        query = query.where(GuideCheckEntry.department_id == department_id)
    return list(session.scalars(query))


def item_names(session: Session, found: list[GuideCheckEntry]) -> dict[int, str]:
    """The name of each entry's item as it stood in the version drawn, by entry id."""
    pairs = {(e.item_id, e.version) for e in found}
    if not pairs:
        return {}
    rows = session.execute(
        select(ItemVersion.item_id, ItemVersion.version, ItemVersion.name).where(
            ItemVersion.item_id.in_({item for item, _ in pairs})
        )
    ).all()
    names = {(item, version): name for item, version, name in rows if (item, version) in pairs}
    return {e.id: names.get((e.item_id, e.version), "") for e in found}


@dataclass(frozen=True)
class Figures:
    drawn: int
    checked: int
    accurate: int
    found: int
    corrected: int
    overdue: int

    @property
    def accuracy(self) -> float | None:
        """办事指南准确率: the share of checked guides found accurate."""
        return round(self.accurate / self.checked, 4) if self.checked else None

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "accuracy": self.accuracy}


def figures(session: Session) -> dict[str, Figures]:
    """Per department code, and ``""`` for the district: drawn, checked, accurate, with findings,
    corrected, and overdue (owed past the date, or corrected late)."""
    today = clock.today()
    rows = session.execute(  # the columns counted only (the findings stay encrypted)
        select(
            Department.code, GuideCheckEntry.status, GuideCheckEntry.due_date, GuideCheckEntry.corrected_at
        ).join(Department, Department.id == GuideCheckEntry.department_id)
    ).all()
    counts: dict[str, Counter[str]] = {}
    for code, status, due, corrected_at in rows:
        for key in (code, ""):
            c = counts.setdefault(key, Counter())
            c["drawn"] += 1
            c["checked"] += status != GuideCheckState.DRAWN
            c["accurate"] += status == GuideCheckState.PASSED
            c["found"] += status in (GuideCheckState.FOUND, GuideCheckState.CORRECTED)
            c["corrected"] += status == GuideCheckState.CORRECTED
            c["overdue"] += _late(status, due, corrected_at, today)
    keys = ("drawn", "checked", "accurate", "found", "corrected", "overdue")
    return {code: Figures(**{k: c[k] for k in keys}) for code, c in counts.items()}


def owed_count(session: Session, department_id: int) -> int:
    """Guides of the department with findings still to correct (for the studio's reminder)."""
    query = select(func.count()).where(
        GuideCheckEntry.department_id == department_id, GuideCheckEntry.status == GuideCheckState.FOUND
    )
    return session.scalar(query) or 0
