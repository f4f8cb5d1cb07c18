"""list indexes: a department's tasks by due date (all, by state, and the delivered open work as a
partial index), 告知承诺 results still to verify, the deliveries still to hand over and the latest
deliveries; the department-only task index is folded into the composite ones (issue #18)

Revision ID: b1c2d3e40022
Revises: b1c2d3e40021
Create Date: 2026-12-05 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40022"
down_revision = "b1c2d3e40021"
branch_labels = None
depends_on = None

OPEN_TASKS = sa.text("status IN ('ready', 'in_progress', 'paused') AND delivered_at IS NOT NULL")
TO_VERIFY = sa.text("verify_due IS NOT NULL AND verified_at IS NULL")
DUE_DELIVERIES = sa.text("status IN ('pending', 'queued')")


def upgrade():
    op.create_index("ix_tasks_department_due", "tasks", ["department_id", "due_date", "id"])
    op.create_index("ix_tasks_department_status_due", "tasks", ["department_id", "status", "due_date", "id"])
    op.create_index(
        "ix_tasks_department_open",
        "tasks",
        ["department_id", "due_date", "id"],
        postgresql_include=["status"],
        postgresql_where=OPEN_TASKS,
        sqlite_where=OPEN_TASKS,
    )
    op.create_index(
        "ix_tasks_department_verify",
        "tasks",
        ["department_id", "verify_due"],
        postgresql_where=TO_VERIFY,
        sqlite_where=TO_VERIFY,
    )
    op.drop_index("ix_tasks_department_id", table_name="tasks")
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["id"],
        postgresql_where=DUE_DELIVERIES,
        sqlite_where=DUE_DELIVERIES,
    )
    op.create_index("ix_deliveries_delivered_at", "deliveries", ["delivered_at"])


def downgrade():
    op.drop_index("ix_deliveries_delivered_at", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.create_index("ix_tasks_department_id", "tasks", ["department_id"])
    op.drop_index("ix_tasks_department_verify", table_name="tasks")
    op.drop_index("ix_tasks_department_open", table_name="tasks")
    op.drop_index("ix_tasks_department_status_due", table_name="tasks")
    op.drop_index("ix_tasks_department_due", table_name="tasks")
