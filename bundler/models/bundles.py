"""Bundles (一件事): versions of a dependency graph of steps over catalogue items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from .catalogue import Department, Item
from .common import VERSION_PUBLISHED, Timestamped, json_column

step_dependencies = Table(
    "bundle_step_dependencies",
    db.metadata,
    Column("step_id", ForeignKey("bundle_steps.id", ondelete="CASCADE"), primary_key=True),
    Column("prerequisite_id", ForeignKey("bundle_steps.id", ondelete="CASCADE"), primary_key=True),
)


class Bundle(Timestamped, Model):
    __tablename__ = "bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)

    versions: Mapped[list[BundleVersion]] = relationship(
        back_populates="bundle", order_by="BundleVersion.version", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Bundle {self.code}>"


class BundleVersion(Timestamped, Model):
    __tablename__ = "bundle_versions"
    __table_args__ = (UniqueConstraint("bundle_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=VERSION_PUBLISHED)
    content_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = json_column(dict)

    bundle: Mapped[Bundle] = relationship(back_populates="versions")
    lead_department: Mapped[Department] = relationship()
    questions: Mapped[list[BundleQuestion]] = relationship(
        back_populates="bundle_version", order_by="BundleQuestion.position", cascade="all, delete-orphan"
    )
    steps: Mapped[list[BundleStep]] = relationship(
        back_populates="bundle_version", order_by="BundleStep.position", cascade="all, delete-orphan"
    )


class BundleQuestion(Model):
    """A scenario question (情形引导) of a bundle version."""

    __tablename__ = "bundle_questions"
    __table_args__ = (UniqueConstraint("bundle_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_version_id: Mapped[int] = mapped_column(
        ForeignKey("bundle_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64))  # the contract's question ``id``
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(16), default="boolean")  # boolean | choice
    options: Mapped[list[str]] = json_column(list)
    extra: Mapped[dict[str, Any]] = json_column(dict)

    bundle_version: Mapped[BundleVersion] = relationship(back_populates="questions")


class BundleStep(Model):
    """A step of a bundle version: one item, its prerequisites (串联) and its scenario condition."""

    __tablename__ = "bundle_steps"
    __table_args__ = (UniqueConstraint("bundle_version_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_version_id: Mapped[int] = mapped_column(
        ForeignKey("bundle_versions.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    position: Mapped[int]
    condition: Mapped[dict[str, Any]] = json_column(dict)  # the contract's ``when``
    extra: Mapped[dict[str, Any]] = json_column(dict)

    bundle_version: Mapped[BundleVersion] = relationship(back_populates="steps")
    item: Mapped[Item] = relationship()
    prerequisites: Mapped[list[BundleStep]] = relationship(
        secondary=step_dependencies,
        primaryjoin=lambda: BundleStep.id == step_dependencies.c.step_id,
        secondaryjoin=lambda: BundleStep.id == step_dependencies.c.prerequisite_id,
    )
