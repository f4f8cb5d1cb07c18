"""The reform measured from applications (issue #19): each application keeps the promised working days
of its planned steps as one bundle and as separate applications (fixed at acceptance), the working
days it took (at completion), its trips to the counter and whether a step asked for 补正 (filled here
from the pauses); applications are indexed by acceptance; ratings are indexed by when they were given (the province's export); visits to the counter are logged, one row per application and day; the report's figures per bundle
and month of acceptance are kept in outcome_months, recomputed by a job.
Applications finished before this revision get their working days counted here on the national
calendar (chinesecalendar); their promised figures stay empty and the report leaves them out of those
comparisons.

Revision ID: b1c2d3e40029
Revises: b1c2d3e40028
Create Date: 2026-12-05 17:45:00

"""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import graphs

# revision identifiers, used by Alembic.
revision = "b1c2d3e40029"
down_revision = "b1c2d3e40028"
branch_labels = None
depends_on = None

LOCAL = ZoneInfo("Asia/Shanghai")
COLUMNS = ("promised_days", "separate_days", "working_days")


def _local_day(value):
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL).date()


def upgrade():
    for name in COLUMNS:  # plain ALTER TABLE: SQLite would otherwise copy the table, cascading deletes
        op.add_column("applications", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column("applications", sa.Column("visits", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "applications", sa.Column("corrected", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_applications_accepted_at", "applications", ["accepted_at"])
    op.execute(
        "UPDATE applications SET corrected = TRUE WHERE id IN (SELECT t.application_id FROM task_pauses p "
        "JOIN tasks t ON t.id = p.task_id WHERE p.kind = 'supplement')"
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_visits_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("application_id", "visited_on", name=op.f("uq_visits_application_id_visited_on")),
    )
    op.create_index("ix_ratings_created_at", "ratings", ["created_at", "id"])
    op.create_table(
        "outcome_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("cohort", sa.JSON(), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"], ["bundles.id"], name=op.f("fk_outcome_months_bundle_id_bundles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_months")),
        sa.UniqueConstraint("bundle_id", "month", name=op.f("uq_outcome_months_bundle_id_month")),
    )
    connection = op.get_bind()
    finished = connection.execute(
        sa.text(
            "SELECT id, accepted_at, completed_at FROM applications "
            "WHERE completed_at IS NOT NULL AND accepted_at IS NOT NULL"
        )
    ).all()
    counted = [
        {
            "id": row.id,
            "days": graphs.working_days_between(
                _local_day(row.accepted_at), _local_day(row.completed_at), estimate=True
            ),
        }
        for row in finished
    ]
    if counted:
        connection.execute(sa.text("UPDATE applications SET working_days = :days WHERE id = :id"), counted)


def downgrade():
    op.drop_table("outcome_months")
    op.drop_index("ix_ratings_created_at", table_name="ratings")
    op.drop_table("visits")
    op.drop_index("ix_applications_accepted_at", table_name="applications")
    for name in (*COLUMNS, "visits", "corrected"):
        op.drop_column("applications", name)
