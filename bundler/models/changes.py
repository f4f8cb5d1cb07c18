"""Catalogue changes (事项动态管理): a drafted 新增 / 变更 / 取消 of an item or a bundle, reviewed, then
published as a new version. The change keeps who asked for what and why; the versions keep what was
published. Content is a contract-format entry (``shared/spec/bundle-format.md``), the same shape
``bundler import`` reads and ``bundler export`` writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..states import ChangeState, label
from .accounts import User
from .catalogue import Department
from .common import Timestamped, json_column, utcnow

KIND_ITEM = "item"
KIND_BUNDLE = "bundle"
KIND_LABELS = {KIND_ITEM: "事项", KIND_BUNDLE: "一件事"}

ACTION_CREATE = "create"
ACTION_CHANGE = "change"
ACTION_CANCEL = "cancel"
ACTION_LABELS = {ACTION_CREATE: "新增", ACTION_CHANGE: "变更", ACTION_CANCEL: "取消"}


class CatalogueChange(Timestamped, Model):
    __tablename__ = "catalogue_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ChangeState.DRAFT, index=True)
    content: Mapped[dict[str, Any]] = json_column(dict)
    base_version: Mapped[int | None]  # the published version the draft started from
    reason: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Everyone who created, edited or submitted the draft: none of them may publish it (four eyes).
    drafters: Mapped[list[int]] = json_column(list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(Text)
    published_version: Mapped[int | None]
    # 调整时限 (seed 003 第十九条, seed 000 二(二)(三)): when the cause arose, what it touches, and the
    # dates the rules give (working days on the holiday calendar, computed when the change is submitted)
    cause: Mapped[str | None] = mapped_column(String(200))  # 法律修订、国务院决定、机构改革 …
    cause_date: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str | None] = mapped_column(String(12))  # basic | individual (基本要素 / 个性要素)
    start_due: Mapped[date | None] = mapped_column(Date)  # to be taken up by (003: 3 working days)
    due_date: Mapped[date | None] = mapped_column(Date)  # to be published by (000: 10 basic / 5 individual)
    upper_requested_on: Mapped[date | None] = mapped_column(Date)  # asked of the upper level
    decision_due: Mapped[date | None] = mapped_column(Date)  # its decision due (000 二(三): 5 working days)

    department: Mapped[Department] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def status_label(self) -> str:
        return label(ChangeState, self.status)

    @property
    def editable(self) -> bool:
        return self.status in (ChangeState.DRAFT, ChangeState.REJECTED)


class AdjustmentRule(Model):
    """One deadline rule for catalogue adjustments, in working days; an administrator may change the
    days as the province's rules change."""

    __tablename__ = "adjustment_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(20), unique=True)  # start | basic | individual | upper_decision
    label: Mapped[str] = mapped_column(String(100))
    working_days: Mapped[int]
    basis: Mapped[str] = mapped_column(Text)
