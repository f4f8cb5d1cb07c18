"""legal clocks: the working-day calendar (each year's holidays and 调休 days, seeded from
chinesecalendar), 容缺 materials supplied and confirmed, 告知承诺 verification, 补正 rounds and
特别程序 periods (issue #14)

Revision ID: b1c2d3e40010
Revises: b1c2d3e40009
Create Date: 2026-12-01 18:40:00

"""

import datetime as dt

import chinese_calendar
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "b1c2d3e40010"
down_revision = "b1c2d3e40009"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    table = op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("holidays", JSON, nullable=False),
        sa.Column("workdays", JSON, nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    # The years the installed chinesecalendar package covers, as published arrangements.
    holidays = sorted(chinese_calendar.holidays)
    workdays = sorted(chinese_calendar.workdays)
    years = range(holidays[0].year, holidays[-1].year + 1)
    source = f"chinesecalendar {chinese_calendar.__version__}"
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        table,
        [
            {
                "year": year,
                "status": "published",
                "holidays": [d.isoformat() for d in holidays if d.year == year],
                "workdays": [d.isoformat() for d in workdays if d.year == year],
                "source": source,
                "updated_by": "数据库初始化",
                "updated_at": now,
            }
            for year in years
        ],
    )

    with op.batch_alter_table("application_materials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deferrable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("commitment", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("supplied_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by", sa.String(length=200), nullable=True))

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verify_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("verification", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("verification_note", sa.Text(), nullable=True))  # encrypted
    op.create_table(
        "task_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("procedure", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),  # encrypted
        sa.Column("materials", JSON, nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(length=200), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),  # encrypted JSON
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_pauses_task_id", "task_pauses", ["task_id"])


def downgrade():
    op.drop_index("ix_task_pauses_task_id", table_name="task_pauses")
    op.drop_table("task_pauses")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        for column in ("verification_note", "verification", "verified_at", "verify_due"):
            batch_op.drop_column(column)
    with op.batch_alter_table("application_materials", schema=None) as batch_op:
        for column in ("confirmed_by", "confirmed_at", "supplied_at", "commitment", "deferrable"):
            batch_op.drop_column(column)
    op.drop_table("calendar_years")
