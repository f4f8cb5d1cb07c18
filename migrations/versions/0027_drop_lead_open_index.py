"""drop ix_tasks_lead_open: a lead department's open work per department is read from task_counts
since revision 0026, so nothing reads this index any more while every task write still kept it up to
date (issue #18)

Revision ID: b1c2d3e40027
Revises: b1c2d3e40026
Create Date: 2026-12-05 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40027"
down_revision = "b1c2d3e40026"
branch_labels = None
depends_on = None

OPEN_TASKS = sa.text("status IN ('ready', 'in_progress', 'paused') AND delivered_at IS NOT NULL")


def upgrade():
    op.drop_index("ix_tasks_lead_open", table_name="tasks")


def downgrade():
    op.create_index(
        "ix_tasks_lead_open",
        "tasks",
        ["lead_department_id", "department_id"],
        postgresql_include=["status", "due_date"],
        postgresql_where=OPEN_TASKS,
        sqlite_where=OPEN_TASKS,
    )
