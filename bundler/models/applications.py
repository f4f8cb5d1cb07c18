"""Applications (一件事申请): one merged form, one set of materials, one task per step."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forms.roles import person_label

from ..extensions import Model
from ..privacy import EncryptedBytes, EncryptedJSON, EncryptedText
from ..states import (
    ACCEPTED_STATES,
    OPEN_TASKS,
    RUNNING_TASKS,
    ApplicationState,
    Channel,
    MaterialState,
    TaskState,
    label,
)
from .accounts import ApiToken, User
from .bundles import BundleVersion
from .catalogue import Department, Item, ItemVersion
from .common import Timestamped, json_column, partial_index, status_in, utcnow

IN_FLIGHT_PREDICATE = status_in(ACCEPTED_STATES)


class Application(Timestamped, Model):
    __tablename__ = "applications"
    __table_args__ = (  # the overview's list of applications in flight by promised date: all, a lead's
        partial_index(
            "ix_applications_in_flight",
            "promised_date",
            "id",
            where=IN_FLIGHT_PREDICATE,
        ),
        Index("ix_applications_accepted_at", "accepted_at"),  # a month's applications (the report's counts)
        partial_index(
            "ix_applications_lead_in_flight",
            "lead_department_id",
            "promised_date",
            "id",
            where=IN_FLIGHT_PREDICATE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    bundle_version_id: Mapped[int] = mapped_column(ForeignKey("bundle_versions.id"), index=True)
    # the pinned version's lead department, kept here so a lead's lists need no join (it never changes)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[str] = mapped_column(String(20), default=ApplicationState.DRAFT, index=True)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.ONLINE)
    answers: Mapped[dict[str, Any]] = json_column(dict)
    # The unified form data (all personal data, encrypted) and the item versions it was entered under:
    # the bundle version and these pin the merged form, so an old application still renders the same
    # after the catalogue has changed.
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    item_versions: Mapped[dict[str, int]] = json_column(dict)  # item code -> ItemVersion id
    # merged key -> where its value came from (电子证照): shown read-only, kept by the server until a
    # clerk unlocks it with a reason (audited)
    locked: Mapped[dict[str, str]] = json_column(dict)
    subject_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # keyed hash of the ID number
    subject_label: Mapped[str | None] = mapped_column(String(100))  # masked name and ID number
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    commitment_date: Mapped[date | None] = mapped_column(Date)  # 容缺: materials owed by
    promised_date: Mapped[date | None] = mapped_column(Date)
    # What the reform saved, measured (issue #19): the promised working days of the planned steps as a
    # bundle and their sum as separate applications, fixed at acceptance; the working days it took,
    # from the day of acceptance to the day of completion, on the district's calendar
    promised_days: Mapped[int | None]
    separate_days: Mapped[int | None]
    working_days: Mapped[int | None]
    # trips to the counter logged (days, see models/visits.py) and whether a step asked for 补正: what
    # 最多跑一次 and 一次办成 are counted from, read with the row
    visits: Mapped[int] = mapped_column(default=0, server_default="0")
    corrected: Mapped[bool] = mapped_column(default=False, server_default=false())
    calendar_note: Mapped[str | None] = mapped_column(Text)  # calendar version, estimate warnings
    delivery_method: Mapped[str | None] = mapped_column(String(20))  # 窗口领取 / 邮寄 / 电子证照
    delivery_address: Mapped[str | None] = mapped_column(EncryptedText)  # 邮寄送达: where to mail the results
    # 各方确认: the applicant submitted online while other parties had still to confirm; it is accepted
    # as soon as the last of them confirms
    submit_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    bundle_version: Mapped[BundleVersion] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    api_token: Mapped[ApiToken | None] = relationship()
    materials: Mapped[list[ApplicationMaterial]] = relationship(
        back_populates="application", order_by="ApplicationMaterial.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="application", order_by="Task.position", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return label(ApplicationState, self.status)

    @property
    def channel_label(self) -> str:
        return label(Channel, self.channel)


class ApplicationMaterial(Model):
    """One merged material of an application (一套材料) and how it was provided."""

    __tablename__ = "application_materials"
    __table_args__ = (UniqueConstraint("application_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(200))  # kind|role, as merged by forms/
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)
    e_licence: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=MaterialState.PENDING)
    due_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    # The e-licence that stood for it (电子证照免交): title, number, holder, and the holder's authorisation
    # when the licence is another person's. Recorded when it is used, so the departments see that one.
    licence: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    # A paper original checked at the counter (已收取): when, and which clerk (masked; none through the API).
    collected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    collected_by: Mapped[str | None] = mapped_column(String(200))
    deferrable: Mapped[bool] = mapped_column(default=False)  # 容缺-able for every item needing it
    commitment: Mapped[bool] = mapped_column(default=False)  # a signed 告知承诺 may replace it
    # A 容缺 material supplied after acceptance: when, and the department's confirmation of it.
    supplied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(200))

    application: Mapped[Application] = relationship(back_populates="materials")
    uploads: Mapped[list[Upload]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="Upload.id"
    )

    @property
    def status_label(self) -> str:
        return label(MaterialState, self.status)


class Upload(Timestamped, Model):
    """A file given for a material; its name and content are encrypted at rest. The content is loaded
    (and decrypted) only when it is served."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(
        ForeignKey("application_materials.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(EncryptedText)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(EncryptedText)
    content: Mapped[bytes] = mapped_column(EncryptedBytes, deferred=True)

    material: Mapped[ApplicationMaterial] = relationship(back_populates="uploads")


def step_title(item_name: str, per_role: str | None, person: int) -> str:
    """A step's title: the item's name, and for a step run per person whom it is for."""
    return f"{item_name} · {person_label(per_role, person)}" if per_role else item_name


OPEN_TASK_PREDICATE = and_(status_in(OPEN_TASKS), text("delivered_at IS NOT NULL"))
RUNNING_TASK_PREDICATE = status_in(RUNNING_TASKS)
REDELIVERED_PREDICATE = text("redelivered_at IS NOT NULL")
VERIFY_PREDICATE = text("verify_due IS NOT NULL AND verified_at IS NULL")


class Task(Timestamped, Model):
    """One step of an accepted application, for one department."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("application_id", "item_id", "person"),
        # a department's list by due date (the API; a state filtered along the way) and by state
        Index("ix_tasks_department_due", "department_id", "due_date", "id"),
        Index("ix_tasks_department_status_due", "department_id", "status", "due_date", "id"),
        # the queue page: the delivered open work only, a small part of a year's tasks
        partial_index(
            "ix_tasks_department_open",
            "department_id",
            "due_date",
            "id",
            postgresql_include=["status"],
            where=OPEN_TASK_PREDICATE,
        ),
        # a lead department's overview: its bundles' running work by due date (its counts: task_counts)
        partial_index(
            "ix_tasks_lead_running_due",
            "lead_department_id",
            "due_date",
            "id",
            where=RUNNING_TASK_PREDICATE,
        ),
        # the overview's overdue list: running work by due date, across departments
        partial_index(
            "ix_tasks_running_due",
            "due_date",
            "id",
            where=RUNNING_TASK_PREDICATE,
        ),
        # the tasks handed to their department again, the latest first
        partial_index(
            "ix_tasks_department_redelivered",
            "department_id",
            "redelivered_at",
            where=REDELIVERED_PREDICATE,
        ),
        # 告知承诺 results still to verify (核查)
        partial_index(
            "ix_tasks_department_verify",
            "department_id",
            "verify_due",
            where=VERIFY_PREDICATE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))  # indexed with the due date
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))  # the application's
    position: Mapped[int]
    # a step run per person (``per: 新生儿``): the role, and which person, counted from 0 in the
    # application's order (the role is None and the person 0 for a step run once)
    per_role: Mapped[str | None] = mapped_column(String(60))
    person: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=TaskState.WAITING, index=True)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_days: Mapped[int] = mapped_column(default=0)  # working days the clock stood still (补正)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the first delivery
    redelivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the latest one after
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # time from ready to decided, pauses left out, in the item's unit (working or natural days)
    days_used: Mapped[int | None]
    results: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict, nullable=False)
    reason: Mapped[str | None] = mapped_column(EncryptedText)  # refusal or supplement note
    # 告知承诺: a result approved on a signed commitment is verified (核查) by ``verify_due``.
    verify_due: Mapped[date | None] = mapped_column(Date)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verification: Mapped[str | None] = mapped_column(String(16))  # Verification
    verification_note: Mapped[str | None] = mapped_column(EncryptedText)

    application: Mapped[Application] = relationship(back_populates="tasks")
    item: Mapped[Item] = relationship()
    item_version: Mapped[ItemVersion] = relationship()
    department: Mapped[Department] = relationship(foreign_keys=[department_id])

    @property
    def status_label(self) -> str:
        return label(TaskState, self.status)

    @property
    def per_person(self) -> tuple[str, int] | None:
        """(role, index) of the person this task is for, when its step runs per person."""
        return (self.per_role, self.person) if self.per_role else None

    @property
    def title(self) -> str:
        return step_title(self.item_version.name, self.per_role, self.person)

    @property
    def person_label(self) -> str:
        """``新生儿（第 2 位）`` for a task run per person, else empty."""
        return person_label(self.per_role, self.person) if self.per_role else ""
