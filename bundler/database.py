"""Engine settings that depend on the database in use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine_events(engine: Engine) -> None:
    """SQLite: enforce foreign keys, wait for locks instead of failing, and use WAL for concurrency."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def rebuild_schema() -> None:
    """Drop every table, the migrations' own record included, and migrate from nothing (in an app
    context). For the test suite and the benchmarks, which own their database: never a live one."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from .extensions import db

    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
