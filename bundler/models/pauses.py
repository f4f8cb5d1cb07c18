"""Periods a step's clock stands still: a 补正 round (the department asks, the applicant answers) or a
特别程序 the statute keeps out of the limit (检验检测, 专家评审, 听证, 公示)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from ..privacy import EncryptedJSON, EncryptedText
from ..states import PauseKind, label
from .applications import Task
from .common import json_column


class TaskPause(Model):
    __tablename__ = "task_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # PauseKind
    procedure: Mapped[str | None] = mapped_column(String(16))  # 特别程序: 检验检测 / 专家评审 / 听证 / 公示
    reason: Mapped[str | None] = mapped_column(EncryptedText)  # everything asked for, said once
    materials: Mapped[list[str]] = json_column(list)  # material keys to supply again (补正)
    fields: Mapped[list[str]] = json_column(list)  # merged field keys to correct (补正)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by: Mapped[str | None] = mapped_column(String(200))
    # What the answer changed: {"fields": {key: [before, after]}, "files": {material key: [file names]},
    # "note": text}; encrypted, as it holds the applicant's data.
    answer: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    days: Mapped[int | None]  # days the clock stood still, counted when it ended

    task: Mapped[Task] = relationship()

    @property
    def kind_label(self) -> str:
        return label(PauseKind, self.kind)

    @property
    def open(self) -> bool:
        return self.ended_at is None
