"""overview at scale: each decided task keeps the days it took (``tasks.days_used``) and counts into
``department_months`` (per department and month: decided, days used, days promised, on time), so the
overview reads a few rows; partial indexes for the running work by due date and the applications in
flight by promised date. Tasks decided before this revision are counted here, on the stored
working-day calendar (issue #18)

Revision ID: b1c2d3e40023
Revises: b1c2d3e40022
Create Date: 2026-12-05 12:00:00

"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import graphs

# revision identifiers, used by Alembic.
revision = "b1c2d3e40023"
down_revision = "b1c2d3e40022"
branch_labels = None
depends_on = None

RUNNING = sa.text("status IN ('ready', 'in_progress')")
IN_FLIGHT = sa.text("status IN ('accepted', 'accepted_pending')")
CHINA = ZoneInfo("Asia/Shanghai")
BATCH = 5000

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
calendar_years = sa.table(
    "calendar_years", sa.column("status", sa.String), sa.column("holidays", JSON), sa.column("workdays", JSON),
    sa.column("year", sa.Integer),
)  # fmt: skip
tasks = sa.table(
    "tasks",
    sa.column("id", sa.Integer),
    sa.column("department_id", sa.Integer),
    sa.column("item_version_id", sa.Integer),
    sa.column("ready_at", sa.DateTime(timezone=True)),
    sa.column("finished_at", sa.DateTime(timezone=True)),
    sa.column("paused_days", sa.Integer),
    sa.column("days_used", sa.Integer),
)
item_versions = sa.table(
    "item_versions",
    sa.column("id", sa.Integer),
    sa.column("promised_days", sa.Integer),
    sa.column("extra", JSON),
)


def upgrade():
    op.add_column("tasks", sa.Column("days_used", sa.Integer(), nullable=True))
    months = op.create_table(
        "department_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.Column("days_used", sa.Integer(), nullable=False),
        sa.Column("days_promised", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_department_months_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_months")),
        sa.UniqueConstraint("department_id", "month", name=op.f("uq_department_months_department_id_month")),
    )
    op.create_index(
        "ix_tasks_running_due", "tasks", ["due_date", "id"], postgresql_where=RUNNING, sqlite_where=RUNNING
    )
    op.create_index(
        "ix_applications_in_flight",
        "applications",
        ["promised_date", "id"],
        postgresql_where=IN_FLIGHT,
        sqlite_where=IN_FLIGHT,
    )
    _count_decided_tasks(months)


def _calendar(conn):
    published = [r for r in conn.execute(sa.select(calendar_years)) if r.status == "published"]
    return graphs.WorkCalendar(
        holidays=frozenset(dt.date.fromisoformat(d) for r in published for d in r.holidays),
        workdays=frozenset(dt.date.fromisoformat(d) for r in published for d in r.workdays),
        published=frozenset(r.year for r in published),
        version="migration",
    )


def _local(moment):
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(CHINA)


def _count_decided_tasks(months):
    conn = op.get_bind()
    calendar = _calendar(conn)
    totals = defaultdict(lambda: [0, 0, 0, 0])
    last = 0
    while True:
        rows = conn.execute(
            sa.select(
                tasks.c.id,
                tasks.c.department_id,
                tasks.c.ready_at,
                tasks.c.finished_at,
                tasks.c.paused_days,
                item_versions.c.promised_days,
                item_versions.c.extra,
            )  # fmt: skip
            .join(item_versions, item_versions.c.id == tasks.c.item_version_id)
            .where(tasks.c.id > last, tasks.c.ready_at.is_not(None), tasks.c.finished_at.is_not(None))
            .order_by(tasks.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            start, end = _local(row.ready_at).date(), _local(row.finished_at).date()
            if (row.extra or {}).get("days_unit") == graphs.NATURAL_DAYS:
                elapsed = (end - start).days
            else:
                elapsed = graphs.working_days_between(start, end, estimate=True, calendar=calendar)
            used = max(elapsed - (row.paused_days or 0), 0)
            updates.append({"task_id": row.id, "used": used})
            total = totals[(row.department_id, end.replace(day=1))]
            total[0] += 1
            total[1] += used
            total[2] += row.promised_days
            total[3] += int(used <= row.promised_days)
        conn.execute(
            tasks.update()
            .where(tasks.c.id == sa.bindparam("task_id"))
            .values(days_used=sa.bindparam("used")),
            updates,
        )
        last = rows[-1].id
    now = dt.datetime.now(dt.UTC)
    if totals:
        op.bulk_insert(
            months,
            [
                {
                    "department_id": department_id,
                    "month": month,
                    "finished": t[0],
                    "days_used": t[1],
                    "days_promised": t[2],
                    "on_time": t[3],
                    "updated_at": now,
                }
                for (department_id, month), t in sorted(totals.items())
            ],
        )


def downgrade():
    op.drop_index("ix_applications_in_flight", table_name="applications")
    op.drop_index("ix_tasks_running_due", table_name="tasks")
    op.drop_table("department_months")
    op.drop_column("tasks", "days_used")
