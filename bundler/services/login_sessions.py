"""Sessions kept on the server. The browser's (signed) cookie holds a random token; the session is
valid while its row is not ended and has been used within the idle limit of the person's role: staff
get a short one (a counter or an office PC is shared), applicants a longer one."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..clock import stored, utcnow
from ..models import LoginSession, User
from ..permissions import Role
from .accounts import token_hash

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session


def idle_limit(role: str, staff_minutes: int, applicant_days: int) -> timedelta:
    return timedelta(days=applicant_days) if role == Role.APPLICANT else timedelta(minutes=staff_minutes)


def start(session: Session, user: User) -> str:
    """A new session for the user; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(LoginSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
    return token


def valid(session: Session, user_id: int, token: str | None, idle: timedelta) -> LoginSession | None:
    """The live session of this user for the token, or None (ended, idle too long, someone else's)."""
    if not token:
        return None
    row = session.get(LoginSession, token_hash(token))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    if utcnow() - stored(row.last_seen_at) > idle:
        return None
    return row


def due_for_touch(row: LoginSession) -> bool:
    return utcnow() - stored(row.last_seen_at) >= TOUCH_EVERY


def touch(engine: Engine, hashed: str) -> None:
    """Record use of a session, outside the request's own transaction (which the view owns)."""
    with engine.begin() as connection:
        connection.execute(
            update(LoginSession).where(LoginSession.token_hash == hashed).values(last_seen_at=utcnow())
        )


def end(session: Session, token: str | None) -> None:
    if token and (row := session.get(LoginSession, token_hash(token))) is not None and row.ended_at is None:
        row.ended_at = utcnow()


def end_all(session: Session, user: User, *, keep: str | None = None) -> None:
    """End every session of the user (a password change), except the one given."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep:
        query = query.where(LoginSession.token_hash != token_hash(keep))
    session.execute(query.values(ended_at=utcnow()))
