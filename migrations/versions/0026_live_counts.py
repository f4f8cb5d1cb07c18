"""live counts: each department's tasks per state (per lead department, handed over or not), the
running work per due date (overdue: the rows before today), each lead department's applications per
state and its 差评 per follow-up state, kept exact in the transaction of each change, so totals, loads
and overdue figures read a few rows at any volume; filled here from the rows (issue #18)

Revision ID: b1c2d3e40026
Revises: b1c2d3e40025
Create Date: 2026-12-05 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40026"
down_revision = "b1c2d3e40025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_task_counts_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_counts")),
        sa.UniqueConstraint(
            "department_id", "lead_department_id", "status", "delivered",
            name="uq_task_counts_key",
        ),
    )  # fmt: skip
    op.create_table(
        "application_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_counts")),
        sa.UniqueConstraint("lead_department_id", "status", name="uq_application_counts_key"),
    )
    op.create_table(
        "running_due_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_running_due_counts_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_running_due_counts")),
        sa.UniqueConstraint(
            "department_id", "lead_department_id", "due_date", name="uq_running_due_counts_key"
        ),
    )
    op.execute(
        "INSERT INTO running_due_counts (department_id, lead_department_id, due_date, tasks) "
        "SELECT department_id, COALESCE(lead_department_id, 0), due_date, count(*) FROM tasks "
        "WHERE status IN ('ready', 'in_progress') AND due_date IS NOT NULL "
        "GROUP BY department_id, COALESCE(lead_department_id, 0), due_date"
    )
    op.create_table(
        "rating_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("follow_up", sa.String(length=16), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_counts")),
        sa.UniqueConstraint("lead_department_id", "follow_up", name="uq_rating_counts_key"),
    )
    op.execute(
        "INSERT INTO rating_counts (lead_department_id, follow_up, ratings) "
        "SELECT COALESCE(lead_department_id, 0), follow_up, count(*) FROM ratings "
        "WHERE follow_up IS NOT NULL GROUP BY COALESCE(lead_department_id, 0), follow_up"
    )
    op.execute(
        "INSERT INTO task_counts (department_id, lead_department_id, status, delivered, tasks) "
        "SELECT department_id, COALESCE(lead_department_id, 0), status, delivered_at IS NOT NULL, count(*) "
        "FROM tasks GROUP BY department_id, COALESCE(lead_department_id, 0), status, delivered_at IS NOT NULL"
    )
    op.execute(
        "INSERT INTO application_counts (lead_department_id, status, applications) "
        "SELECT COALESCE(lead_department_id, 0), status, count(*) "
        "FROM applications GROUP BY COALESCE(lead_department_id, 0), status"
    )


def downgrade():
    op.drop_table("application_counts")
    op.drop_table("running_due_counts")
    op.drop_table("rating_counts")
    op.drop_table("task_counts")
