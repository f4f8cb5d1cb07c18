"""好差评: the applicant rates the whole service and each department's step after completion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedText
from .applications import Application, Task
from .common import Timestamped, partial_index

BAD_SCORE = 2  # 1–2 stars is a bad rating (差评), followed up by the lead department


BAD_PREDICATE = text("follow_up IS NOT NULL")


class Rating(Timestamped, Model):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("application_id", "task_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        # the bad ratings a lead department follows up: a small part of all ratings
        partial_index("ix_ratings_bad", "id", where=BAD_PREDICATE),
        partial_index(
            "ix_ratings_lead_bad",
            "lead_department_id",
            "id",
            postgresql_include=["follow_up"],
            where=BAD_PREDICATE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))  # the application's
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE")
    )  # None: the whole service
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(EncryptedText)
    follow_up: Mapped[str | None] = mapped_column(String(16))  # bad ratings only
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship()
    task: Mapped[Task | None] = relationship()

    @property
    def is_bad(self) -> bool:
        return self.score <= BAD_SCORE
