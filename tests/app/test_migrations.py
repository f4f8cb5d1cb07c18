"""The migrations carry stored data along: values that become encrypted are sealed with the running
installation's key, read back the same, and the audit log stays append-only in the database."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bundler import create_app
from bundler.privacy import keyring

BEFORE_PEOPLE = "5cb799498d2e"  # the last revision before step results and notes were encrypted


@pytest.fixture
def old_database(tmp_path, app_config):
    """A database of its own (SQLite file), migrated to the revision before the encryption."""
    config = {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"}
    app = create_app(config)
    with app.app_context():
        upgrade(revision=BEFORE_PEOPLE)
        yield app, create_engine(config["DATABASE_URL"])


def test_results_notes_and_audit_values_are_sealed_and_read_back(old_database):
    app, engine = old_database
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, before, after) "
                "VALUES (1, '2026-11-30', '系统', 'done', :b, :a)"
            ),
            {
                "b": json.dumps({"status": "ready"}),
                "a": json.dumps({"results": {"新生儿.公民身份号码": "610702202611300011"}}),
            },
        )
    with app.app_context():
        upgrade()
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT after FROM audit_log WHERE id = 1")).scalar_one()
            assert "610702202611300011" not in stored  # sealed
            assert json.loads(keyring().decrypt(stored.encode())) == {
                "results": {"新生儿.公民身份号码": "610702202611300011"}
            }
            with pytest.raises(DBAPIError):
                conn.execute(text("UPDATE audit_log SET actor = 'x'"))
        downgrade(revision=BEFORE_PEOPLE)
        with engine.connect() as conn:
            after = conn.execute(text("SELECT after FROM audit_log WHERE id = 1")).scalar_one()
            assert json.loads(after) == {"results": {"新生儿.公民身份号码": "610702202611300011"}}
            with pytest.raises(DBAPIError):
                conn.execute(text("UPDATE audit_log SET actor = 'x'"))
