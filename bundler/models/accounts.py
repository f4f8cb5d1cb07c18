"""People and systems that use the service: accounts with roles, and API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..permissions import role_label
from ..privacy import EncryptedText, mask_name
from .catalogue import Department
from .common import Timestamped


class User(UserMixin, Timestamped, Model):
    """An account. Applicants log in with their mobile number; staff with a login name.

    The login is stored as a keyed hash (for look-up) and encrypted (for display); the name too.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16), index=True)
    login_hash: Mapped[str] = mapped_column(String(64), unique=True)
    login: Mapped[str] = mapped_column(EncryptedText)
    name: Mapped[str | None] = mapped_column(EncryptedText)
    password_hash: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # An applicant's own ID number (keyed hash for look-up, encrypted for display): applications taken
    # at the counter for that number appear in the account.
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def actor_label(self) -> str:
        """How the audit log, the visits and the materials name this person: id and masked name."""
        return f"用户 {self.id}（{mask_name(self.name) or self.role_label}）"


class ApiToken(Timestamped, Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    department: Mapped[Department | None] = relationship()


class LoginSession(Model):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored here, so the
    session can be ended on the server: at logout, at a password change, or after idling too long."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
