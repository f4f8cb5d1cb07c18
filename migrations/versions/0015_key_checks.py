"""key checks: the fingerprints of the current data and lookup keys, so that a process without them
notices; e-licences keep their holder's number (encrypted) so their lookup hash can be computed again
under a new LOOKUP_KEY; the audit log, append-only in the database, lets a key rotation re-encrypt its
before/after values and nothing else (issue #15)

The rotation marks its own transaction with a ``key_checks`` row of kind ``rotating``, inserted and
deleted before it commits, so no other transaction ever sees it; only then may an UPDATE of the audit
log change ``before`` and ``after``, and only those.

Revision ID: b1c2d3e40015
Revises: b1c2d3e40014
Create Date: 2026-12-04 23:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40015"
down_revision = "b1c2d3e40014"
branch_labels = None
depends_on = None


KEPT = ("id", "at", "actor", "action", "application_id", "task_id")  # what a rotation never changes
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {allowed} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END $$
"""
SQLITE_TRIGGER = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log {refused} "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)


def _append_only(rotation_may_reseal: bool) -> None:
    dialect = op.get_bind().dialect.name
    marked = "EXISTS (SELECT 1 FROM key_checks WHERE kind = 'rotating')"
    if dialect == "postgresql":
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)
        op.execute(PG_FUNCTION.format(allowed=f"{marked} AND {same}" if rotation_may_reseal else "FALSE"))
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in KEPT)
        refused = f"WHEN NOT {marked} OR {changed}" if rotation_may_reseal else ""
        op.execute(SQLITE_TRIGGER.format(refused=refused))


def upgrade():
    op.create_table(
        "key_checks",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.add_column("e_licences", sa.Column("holder", sa.Text(), nullable=True))
    _append_only(rotation_may_reseal=True)


def downgrade():
    _append_only(rotation_may_reseal=False)
    op.drop_column("e_licences", "holder")
    op.drop_table("key_checks")
