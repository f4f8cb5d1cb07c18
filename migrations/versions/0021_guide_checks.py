"""guide sampling checks (办事指南抽检): a reviewer draws published guides at random and records findings;
the item's department corrects each by a due date in working days (rule ``guide_correction``) (issue #17)

Revision ID: b1c2d3e40021
Revises: b1c2d3e40020
Create Date: 2026-12-05 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40021"
down_revision = "b1c2d3e40020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guide_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"], ["users.id"], name=op.f("fk_guide_checks_drawn_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_checks")),
    )
    op.create_table(
        "guide_check_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["guide_checks.id"],
            name=op.f("fk_guide_check_entries_check_id_guide_checks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_guide_check_entries_item_id_items")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_guide_check_entries_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_guide_check_entries_checked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"], ["users.id"], name=op.f("fk_guide_check_entries_corrected_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_check_entries")),
    )
    op.create_index(op.f("ix_guide_check_entries_check_id"), "guide_check_entries", ["check_id"])
    op.create_index(
        "ix_guide_check_entries_department_status", "guide_check_entries", ["department_id", "status"]
    )
    rules = sa.table(
        "adjustment_rules",
        sa.column("key", sa.String),
        sa.column("label", sa.String),
        sa.column("working_days", sa.Integer),
        sa.column("basis", sa.Text),
    )
    op.bulk_insert(
        rules,
        [
            {
                "key": "guide_correction",
                "label": "办事指南抽检问题整改",
                "working_days": 5,
                "basis": "南政办函〔2023〕58号 二（二）：常态化开展办事指南准确度质检；个性要素5个工作日内完成调整",
            }
        ],
    )


def downgrade():
    op.execute("DELETE FROM adjustment_rules WHERE key = 'guide_correction'")
    op.drop_index("ix_guide_check_entries_department_status", table_name="guide_check_entries")
    op.drop_index(op.f("ix_guide_check_entries_check_id"), table_name="guide_check_entries")
    op.drop_table("guide_check_entries")
    op.drop_table("guide_checks")
