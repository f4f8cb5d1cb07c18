"""The local e-licence store (一人一档、一企一档): licences and data held per ID number or credit code."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..privacy import EncryptedJSON, EncryptedText
from .common import Timestamped


class ELicence(Timestamped, Model):
    __tablename__ = "e_licences"
    __table_args__ = (UniqueConstraint("holder_hash", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_hash: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash of ID number / USCC
    holder: Mapped[str | None] = mapped_column(EncryptedText)  # to hash again under a new lookup key
    kind: Mapped[str] = mapped_column(String(100))  # the material kind it stands for, e.g. 居民身份证
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(EncryptedText)
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_until: Mapped[date | None] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # role.element values
