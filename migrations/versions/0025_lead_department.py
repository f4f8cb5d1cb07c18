"""lead department on applications, tasks and ratings: the pinned bundle version's lead department,
copied when the application is made (it never changes), so a lead department's overview and 差评 list
count and list its own work from indexes without joining the versions (issue #18)

Revision ID: b1c2d3e40025
Revises: b1c2d3e40024
Create Date: 2026-12-05 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40025"
down_revision = "b1c2d3e40024"
branch_labels = None
depends_on = None

IN_FLIGHT = sa.text("status IN ('accepted', 'accepted_pending')")
RUNNING = sa.text("status IN ('ready', 'in_progress')")
BAD = sa.text("follow_up IS NOT NULL")
OPEN_TASKS = sa.text("status IN ('ready', 'in_progress', 'paused') AND delivered_at IS NOT NULL")


def upgrade():
    for table in ("applications", "tasks", "ratings"):
        op.add_column(table, sa.Column("lead_department_id", sa.Integer(), nullable=True))
        if op.get_bind().dialect.name != "sqlite":  # SQLite adds no constraint to an existing table
            op.create_foreign_key(
                op.f(f"fk_{table}_lead_department_id_departments"),
                table,
                "departments",
                ["lead_department_id"],
                ["id"],
            )
    op.execute(
        "UPDATE applications SET lead_department_id = "
        "(SELECT lead_department_id FROM bundle_versions WHERE bundle_versions.id = applications.bundle_version_id)"
    )
    op.execute(
        "UPDATE tasks SET lead_department_id = "
        "(SELECT lead_department_id FROM applications WHERE applications.id = tasks.application_id)"
    )
    op.execute(
        "UPDATE ratings SET lead_department_id = "
        "(SELECT lead_department_id FROM applications WHERE applications.id = ratings.application_id)"
    )
    op.create_index(
        "ix_ratings_lead_bad",
        "ratings",
        ["lead_department_id", "id"],
        postgresql_include=["follow_up"],
        postgresql_where=BAD,
        sqlite_where=BAD,
    )
    op.create_index(
        "ix_applications_lead_in_flight",
        "applications",
        ["lead_department_id", "promised_date", "id"],
        postgresql_where=IN_FLIGHT,
        sqlite_where=IN_FLIGHT,
    )
    op.create_index(
        "ix_tasks_lead_running_due",
        "tasks",
        ["lead_department_id", "due_date", "id"],
        postgresql_where=RUNNING,
        sqlite_where=RUNNING,
    )
    op.create_index(
        "ix_tasks_lead_open",
        "tasks",
        ["lead_department_id", "department_id"],
        postgresql_include=["status", "due_date"],
        postgresql_where=OPEN_TASKS,
        sqlite_where=OPEN_TASKS,
    )


def downgrade():
    op.drop_index("ix_ratings_lead_bad", table_name="ratings")
    op.drop_index("ix_tasks_lead_open", table_name="tasks")
    op.drop_index("ix_tasks_lead_running_due", table_name="tasks")
    op.drop_index("ix_applications_lead_in_flight", table_name="applications")
    for table in ("ratings", "tasks", "applications"):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(op.f(f"fk_{table}_lead_department_id_departments"), table, type_="foreignkey")
        op.drop_column(table, "lead_department_id")
