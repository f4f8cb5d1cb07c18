"""好差评: the applicant rates the whole service and each department's step, at the counter, after a
refusal or after completion; a bad rating (不满意 or worse) is a case: verified, rectified and followed
up by a call (the "三个100%"), each step by a due date in working days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedText
from ..states import RatingLevel
from .applications import Application, Task
from .catalogue import Department
from .common import Timestamped, partial_index

BAD_SCORE = 2  # 不满意 (2) and 非常不满意 (1) are bad ratings (差评): each opens a case


BAD_PREDICATE = text("follow_up IS NOT NULL")


class Rating(Timestamped, Model):
    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        # one rating of a step (or of the whole service: no task) at each point of the service
        Index(
            "uq_ratings_once",
            "application_id",
            func.coalesce(text("task_id"), 0),
            "occasion",
            unique=True,
        ),
        # the bad ratings a lead department follows up: a small part of all ratings
        partial_index("ix_ratings_bad", "id", where=BAD_PREDICATE),
        partial_index(
            "ix_ratings_lead_bad",
            "lead_department_id",
            "id",
            postgresql_include=["follow_up"],
            where=BAD_PREDICATE,
        ),
        # the export for the province: a period's ratings, oldest first
        Index("ix_ratings_created_at", "created_at", "id"),
        # a department's cases by due date
        partial_index("ix_ratings_case_department", "department_id", "due_date", where=BAD_PREDICATE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))  # the application's
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE")
    )  # None: the whole service
    score: Mapped[int]  # RatingLevel's value: 5 非常满意 … 1 非常不满意
    reasons: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(EncryptedText)
    channel: Mapped[str] = mapped_column(String(16), default="online", server_default="online")
    occasion: Mapped[str] = mapped_column(String(16), default="finished", server_default="finished")
    # the case of a bad rating (all None for a good one)
    follow_up: Mapped[str | None] = mapped_column(String(16))  # FollowUpState
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id")
    )  # the department rated; None: the service centre (the whole service, the window)
    due_date: Mapped[date | None] = mapped_column(Date)  # the case closed by (working days)
    verified: Mapped[bool | None] = mapped_column()  # 核实: the complaint was true
    verify_note: Mapped[str | None] = mapped_column(EncryptedText)  # what was found, the evidence
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rectify_note: Mapped[str | None] = mapped_column(EncryptedText)  # 整改: what was done
    rectified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revisit_outcome: Mapped[str | None] = mapped_column(String(16))  # RevisitOutcome
    revisit_note: Mapped[str | None] = mapped_column(EncryptedText)
    revisited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    appeal_reason: Mapped[str | None] = mapped_column(EncryptedText)  # 申诉
    appeal_from: Mapped[str | None] = mapped_column(String(16))  # the state the appeal interrupted
    appeal_decision: Mapped[str | None] = mapped_column(EncryptedText)  # the reviewer's reasons
    follow_up_note: Mapped[str | None] = mapped_column(Text)  # notes of cases closed before revision 0028
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last step of the case

    application: Mapped[Application] = relationship()
    task: Mapped[Task | None] = relationship()
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])

    @property
    def is_bad(self) -> bool:
        return self.score <= BAD_SCORE

    @property
    def level_label(self) -> str:
        return RatingLevel(str(self.score)).label
