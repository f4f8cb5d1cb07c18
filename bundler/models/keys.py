"""Which keys are current: ``bundler keys rotate`` records the fingerprint of the first data key and of
the first lookup key once everything is under them, so that a process still running without them
notices (see ``services.key_rotation.check_process_keys``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .common import utcnow


class KeyCheck(Model):
    __tablename__ = "key_checks"

    # data | lookup; "rotating" only inside a rotation's own transaction (migration 0015)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
