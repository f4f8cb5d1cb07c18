"""Migrations 0007 and 0014 carry stored uploads along: existing file names and digests are sealed
with the running installation's key (read back the same through the model), and opened again on the
way down."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from bundler import create_app
from bundler.privacy import keyring

BEFORE_FILES = "b1c2d3e40006"
FILES = "b1c2d3e40007"
NAME = "王建国身份证正面.pdf"


@pytest.fixture
def old_database(tmp_path, app_config):
    """A database of its own (SQLite file), migrated to the revision before file names were encrypted."""
    config = {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'old-files.db'}"}
    app = create_app(config)
    with app.app_context():
        upgrade(revision=BEFORE_FILES)
        yield app, create_engine(config["DATABASE_URL"])  # no foreign keys enforced: rows stand alone


def _placeholder(declared: str) -> object:
    declared = declared.upper()
    if "INT" in declared or "BOOL" in declared:
        return 1
    if "BLOB" in declared or "BINARY" in declared:
        return b"x"
    if "DATE" in declared:
        return "2026-11-30"
    if "JSON" in declared:
        return "{}"
    return "x"


def insert_row(conn, table: str, **values: object) -> None:
    """A row of ``table`` with id 1 unless given: required columns get placeholders, and the rows it
    refers to are made first (the schema of an old revision, read from the database itself)."""
    if conn.execute(text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": values.get("id", 1)}).first():
        return
    for _, _, parent, column, *_ in conn.execute(text(f"PRAGMA foreign_key_list({table})")).all():
        if column not in values:
            insert_row(conn, parent)
    row = {"id": 1}
    for _, name, declared, notnull, default, _ in conn.execute(text(f"PRAGMA table_info({table})")).all():
        if notnull and default is None and name != "id":
            row[name] = _placeholder(declared)
    row.update(values)
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_existing_file_names_are_sealed_and_opened_again_on_the_way_down(old_database):
    app, engine = old_database
    with engine.begin() as conn:
        insert_row(conn, "uploads", filename=NAME, content=b"sealed elsewhere")
    with app.app_context():
        upgrade(revision=FILES)
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT filename FROM uploads WHERE id = 1")).scalar_one()
            assert "王建国" not in stored
            assert keyring().decrypt(stored.encode()).decode() == NAME
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(application_materials)"))}
            assert {"collected_at", "collected_by"} <= columns
        downgrade(revision=BEFORE_FILES)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT filename FROM uploads WHERE id = 1")).scalar_one() == NAME
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(application_materials)"))}
            assert "collected_at" not in columns


def test_existing_digests_are_sealed_and_opened_again_on_the_way_down(tmp_path, app_config):
    config = {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'old-digests.db'}"}
    app, engine = create_app(config), create_engine(config["DATABASE_URL"])
    digest = "ab" * 32
    with app.app_context():
        upgrade(revision="b1c2d3e40013")
        with engine.begin() as conn:
            insert_row(conn, "uploads", sha256=digest)
            insert_row(conn, "result_documents", sha256=digest)
        upgrade(revision="b1c2d3e40014")
        with engine.connect() as conn:
            for table in ("uploads", "result_documents"):
                stored = conn.execute(text(f"SELECT sha256 FROM {table} WHERE id = 1")).scalar_one()
                assert digest not in stored and keyring().decrypt(stored.encode()).decode() == digest
        downgrade(revision="b1c2d3e40013")
        with engine.connect() as conn:
            for table in ("uploads", "result_documents"):
                assert conn.execute(text(f"SELECT sha256 FROM {table} WHERE id = 1")).scalar_one() == digest
