"""people: notifications, applicant ID numbers, personal data encrypted (issue #13, parts 5–7)

Step results, refusal and supplement notes, audit values and rating comments become Fernet tokens like
the application data; existing rows are encrypted with the running installation's first data key.

Revision ID: b1c2d3e40006
Revises: 5cb799498d2e
Create Date: 2026-12-01 16:00:00

"""

import json

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40006"
down_revision = "5cb799498d2e"
branch_labels = None
depends_on = None

# (table, column): JSON columns that become encrypted text
JSON_COLUMNS = [("tasks", "results"), ("audit_log", "before"), ("audit_log", "after")]
# (table, column): text columns whose values become encrypted in place
TEXT_COLUMNS = [("tasks", "reason"), ("ratings", "comment")]


def _audit_log_writable(writable: bool) -> None:
    """The audit log refuses updates in the database (migration 0003); sealing its values is the one
    rewrite it gets. SQLite loses the trigger anyway when a batch operation copies the table."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE audit_log {'DISABLE' if writable else 'ENABLE'} TRIGGER audit_log_append_only"
        )
    elif bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        if not writable:
            op.execute(
                "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def _ring():
    from bundler.privacy import keyring

    return keyring()


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_notifications_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_status"), ["status"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("id_number", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_id_number_hash"), ["id_number_hash"], unique=False)

    bind = op.get_bind()
    _audit_log_writable(True)
    for table, name in JSON_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(f"{name}_sealed", sa.Text(), nullable=True))
        rows = bind.execute(sa.text(f'SELECT id, "{name}" FROM {table}')).all()
        for row_id, value in rows:
            plain = value if isinstance(value, str) else json.dumps(value or {}, ensure_ascii=False)
            sealed = _ring().encrypt(plain.encode()).decode()
            bind.execute(
                sa.text(f'UPDATE {table} SET "{name}_sealed" = :v WHERE id = :i'), {"v": sealed, "i": row_id}
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(name)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                f"{name}_sealed", new_column_name=name, existing_type=sa.Text(), nullable=False
            )
    for table, name in TEXT_COLUMNS:
        rows = bind.execute(sa.text(f'SELECT id, "{name}" FROM {table} WHERE "{name}" IS NOT NULL')).all()
        for row_id, value in rows:
            sealed = _ring().encrypt(value.encode()).decode()
            bind.execute(
                sa.text(f'UPDATE {table} SET "{name}" = :v WHERE id = :i'), {"v": sealed, "i": row_id}
            )
    _audit_log_writable(False)


def downgrade():
    bind = op.get_bind()
    _audit_log_writable(True)
    for table, name in TEXT_COLUMNS:
        rows = bind.execute(sa.text(f'SELECT id, "{name}" FROM {table} WHERE "{name}" IS NOT NULL')).all()
        for row_id, value in rows:
            plain = _ring().decrypt(value.encode()).decode()
            bind.execute(
                sa.text(f'UPDATE {table} SET "{name}" = :v WHERE id = :i'), {"v": plain, "i": row_id}
            )
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    for table, name in JSON_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(f"{name}_open", json_type, nullable=True))
        rows = bind.execute(sa.text(f'SELECT id, "{name}" FROM {table}')).all()
        for row_id, value in rows:
            plain = json.loads(_ring().decrypt(value.encode()))
            bind.execute(
                sa.text(f'UPDATE {table} SET "{name}_open" = :v WHERE id = :i').bindparams(
                    sa.bindparam("v", type_=json_type)
                ),
                {"v": plain, "i": row_id},
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(name)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                f"{name}_open", new_column_name=name, existing_type=json_type, nullable=False
            )
    _audit_log_writable(False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_id_number_hash"))
        batch_op.drop_column("id_number")
        batch_op.drop_column("id_number_hash")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_status"))
        batch_op.drop_index(batch_op.f("ix_notifications_application_id"))
    op.drop_table("notifications")
