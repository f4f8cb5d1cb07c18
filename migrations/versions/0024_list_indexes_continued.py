"""list indexes, continued: the lead department's 差评 list reads the ratings with a follow-up only;
a task handed to its department again records when (``tasks.redelivered_at``, filled here from the
deliveries), so the queue finds them without reading the deliveries (issue #18)

Revision ID: b1c2d3e40024
Revises: b1c2d3e40023
Create Date: 2026-12-05 12:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40024"
down_revision = "b1c2d3e40023"
branch_labels = None
depends_on = None

BAD = sa.text("follow_up IS NOT NULL")
REDELIVERED = sa.text("redelivered_at IS NOT NULL")


def upgrade():
    op.create_index("ix_ratings_bad", "ratings", ["id"], postgresql_where=BAD, sqlite_where=BAD)
    op.add_column("tasks", sa.Column("redelivered_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE tasks SET redelivered_at = (SELECT max(d.delivered_at) FROM deliveries d "
        "WHERE d.task_id = tasks.id AND d.status = 'delivered') "
        "WHERE (SELECT count(*) FROM deliveries d WHERE d.task_id = tasks.id AND d.status = 'delivered') > 1"
    )
    op.create_index(
        "ix_tasks_department_redelivered",
        "tasks",
        ["department_id", "redelivered_at"],
        postgresql_where=REDELIVERED,
        sqlite_where=REDELIVERED,
    )


def downgrade():
    op.drop_index("ix_tasks_department_redelivered", table_name="tasks")
    op.drop_column("tasks", "redelivered_at")
    op.drop_index("ix_ratings_bad", table_name="ratings")
