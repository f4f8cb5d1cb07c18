"""The item catalogue (实施清单): departments, service items and their versions.

``Item`` is the stable identity (the 事项编码); each change to its content is a new ``ItemVersion``
holding the standard elements, the form fields and the materials, so that an application keeps the
version it was submitted under.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..privacy import EncryptedText
from .common import VERSION_PUBLISHED, Timestamped, json_column


class Department(Timestamped, Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16), default="inbox")  # inbox | webhook
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(EncryptedText)  # HMAC key shared with its system
    extra: Mapped[dict[str, Any]] = json_column(dict)

    items: Mapped[list[Item]] = relationship(back_populates="department")

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class CatalogueEntry(Timestamped, Model):
    """An entry of the 基本目录 (basic catalogue): name, 基本编码, 事项类型 and 设定依据, the same at every
    level; a district's item (实施清单) that names it (``catalogue_code``) must keep these."""

    __tablename__ = "catalogue_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # 基本编码
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(8))  # 国家级 | 省级 | 市级 | 县级

    def to_contract(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "basis": self.basis,
            "level": self.level,
        }


class Item(Timestamped, Model):
    """A government service item (政务服务事项) as one department implements it."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)

    department: Mapped[Department] = relationship(back_populates="items")
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.version", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Item {self.code}>"


class ItemVersion(Timestamped, Model):
    """The content of an item at one version: standard elements, form and materials."""

    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=VERSION_PUBLISHED)
    content_hash: Mapped[str] = mapped_column(String(64))

    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))  # 事项类型
    basis: Mapped[str | None] = mapped_column(Text)  # 设定依据
    conditions: Mapped[str | None] = mapped_column(Text)  # 受理条件
    service_object: Mapped[str | None] = mapped_column(String(100))  # 服务对象
    legal_days: Mapped[int]  # 法定办结时限 (in days_unit)
    promised_days: Mapped[int]  # 承诺办结时限 (in days_unit)
    fees: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # 办理结果
    place: Mapped[str | None] = mapped_column(Text)  # 办理地点
    hours: Mapped[str | None] = mapped_column(Text)  # 办理时间
    phone: Mapped[str | None] = mapped_column(String(100))  # 咨询电话
    complaint_phone: Mapped[str | None] = mapped_column(String(100))  # 监督电话
    extra: Mapped[dict[str, Any]] = json_column(dict)  # keys beyond the contract, kept for export

    item: Mapped[Item] = relationship(back_populates="versions")
    fields: Mapped[list[ItemField]] = relationship(
        back_populates="item_version", order_by="ItemField.position", cascade="all, delete-orphan"
    )
    materials: Mapped[list[ItemMaterial]] = relationship(
        back_populates="item_version", order_by="ItemMaterial.position", cascade="all, delete-orphan"
    )

    @property
    def days_unit(self) -> str:
        """工作日 (the default) or 自然日: how this version's legal and promised limits count."""
        return str(self.extra.get("days_unit") or "工作日")


class ItemField(Model):
    """One field of an item's own application form."""

    __tablename__ = "item_fields"
    __table_args__ = (UniqueConstraint("item_version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(
        ForeignKey("item_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(50))
    element: Mapped[str | None] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(20), default="text")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list[str]] = json_column(list)
    max_length: Mapped[int | None]
    group: Mapped[str | None] = mapped_column(String(50))
    produced_by: Mapped[str | None] = mapped_column(String(64))  # item code
    extra: Mapped[dict[str, Any]] = json_column(dict)

    item_version: Mapped[ItemVersion] = relationship(back_populates="fields")


class ItemMaterial(Model):
    """One application material (申请材料) of an item."""

    __tablename__ = "item_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(
        ForeignKey("item_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(50))
    required: Mapped[bool] = mapped_column(default=True)
    e_licence: Mapped[bool] = mapped_column(default=False)
    produced_by: Mapped[str | None] = mapped_column(String(64))  # item code
    extra: Mapped[dict[str, Any]] = json_column(dict)

    item_version: Mapped[ItemVersion] = relationship(back_populates="materials")
