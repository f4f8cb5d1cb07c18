"""好差评 to the end: a rating has one of the five national levels (kept as its score), reasons, the
channel and the point of the service it answers to (one rating per step and occasion); a bad rating is a
case of the department rated (or the centre) with a due date, 核实, 整改, 回访 and 申诉 (issue #19).
Cases opened before this revision keep their state and note; their department is the step's.

Revision ID: b1c2d3e40028
Revises: b1c2d3e40027
Create Date: 2026-12-05 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40028"
down_revision = "b1c2d3e40027"
branch_labels = None
depends_on = None

BAD = sa.text("follow_up IS NOT NULL")
NOTES = ("verify_note", "rectify_note", "revisit_note", "appeal_reason", "appeal_decision")


def upgrade():
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_ratings_application_id_task_id", type_="unique")
        batch_op.add_column(sa.Column("reasons", sa.JSON(), nullable=True))  # None: given before reasons
        batch_op.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="online"))
        batch_op.add_column(sa.Column("occasion", sa.String(16), nullable=False, server_default="finished"))
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("verified", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revisit_outcome", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("revisited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("appeal_from", sa.String(16), nullable=True))
        for name in NOTES:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))  # Fernet tokens
        batch_op.create_foreign_key(
            batch_op.f("fk_ratings_department_id_departments"), "departments", ["department_id"], ["id"]
        )
    op.create_index(
        "uq_ratings_once",
        "ratings",
        ["application_id", sa.text("coalesce(task_id, 0)"), "occasion"],
        unique=True,
    )
    op.create_index(
        "ix_ratings_case_department",
        "ratings",
        ["department_id", "due_date"],
        postgresql_where=BAD,
        sqlite_where=BAD,
    )
    op.execute(
        "UPDATE ratings SET department_id = (SELECT t.department_id FROM tasks t WHERE t.id = ratings.task_id) "
        "WHERE follow_up IS NOT NULL AND task_id IS NOT NULL"
    )


def downgrade():
    op.drop_index("ix_ratings_case_department", table_name="ratings")
    op.drop_index("uq_ratings_once", table_name="ratings")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ratings_department_id_departments"), type_="foreignkey")
        for name in (
            *NOTES,
            "appeal_from",
            "revisited_at",
            "revisit_outcome",
            "rectified_at",
            "verified_at",
            "verified",
            "due_date",
            "department_id",
            "occasion",
            "channel",
            "reasons",
        ):
            batch_op.drop_column(name)
        batch_op.create_unique_constraint("uq_ratings_application_id_task_id", ["application_id", "task_id"])
