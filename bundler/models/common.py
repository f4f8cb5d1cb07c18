"""Column helpers shared by the models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, DateTime, Index, TextClause, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow

# JSON everywhere, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Timestamped:
    """Adds ``created_at`` (set once, in UTC)."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def json_column(default: Any) -> Any:
    """A non-null JSON column with a fresh default per row."""
    return mapped_column(JSONType, default=default, nullable=False)


def status_in(states: Iterable[str]) -> TextClause:
    """``status IN ('a', 'b')``: the predicate of a partial index over a group of states."""
    return text(f"status IN ({', '.join(repr(str(state)) for state in states)})")


def partial_index(name: str, *columns: str, where: ColumnElement[bool] | TextClause, **options: Any) -> Index:
    """An index of the rows ``where`` holds for, on PostgreSQL and SQLite alike."""
    return Index(name, *columns, postgresql_where=where, sqlite_where=where, **options)


# Version states. Drafts live in catalogue changes until they are published; a cancellation (取消) is
# published as a version of its own, so the history stays whole and a later version can restore it.
VERSION_DRAFT = "draft"
VERSION_PUBLISHED = "published"
VERSION_CANCELLED = "cancelled"
