"""adjustment deadlines: a catalogue change records its cause, the date it arose and what it touches,
and the dates the seeds' rules give (working days); the rules in a table an administrator can edit
(issue #17)

Revision ID: b1c2d3e40020
Revises: b1c2d3e40019
Create Date: 2026-12-05 09:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40020"
down_revision = "b1c2d3e40019"
branch_labels = None
depends_on = None

RULES = [
    (
        "start",
        "调整事由发生后着手调整",
        3,
        "《朔州市平鲁区政务服务事项动态管理办法（试行）》第十九条：自调整事由发生之日起3个工作日内进行调整",
    ),
    (
        "basic",
        "基本要素调整完成",
        10,
        "南政办函〔2023〕58号 二（二）：基本要素调整10个工作日内完成全省统一更新",
    ),
    (
        "individual",
        "个性要素调整完成",
        5,
        "南政办函〔2023〕58号 二（二）：个性要素调整由区本级行业主管部门5个工作日内完成",
    ),
    (
        "upper_decision",
        "上级作出调整决定",
        5,
        "南政办函〔2023〕58号 二（三）：上级行业主管部门收到申请后5个工作日内作出调整决定",
    ),
]


def upgrade():
    with op.batch_alter_table("catalogue_changes") as batch:
        batch.add_column(sa.Column("cause", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("cause_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("scope", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("start_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("upper_requested_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decision_due", sa.Date(), nullable=True))
    rules = op.create_table(
        "adjustment_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment_rules")),
        sa.UniqueConstraint("key", name=op.f("uq_adjustment_rules_key")),
    )
    op.bulk_insert(rules, [{"key": k, "label": lb, "working_days": d, "basis": b} for k, lb, d, b in RULES])


def downgrade():
    op.drop_table("adjustment_rules")
    with op.batch_alter_table("catalogue_changes") as batch:
        for column in (
            "decision_due",
            "upper_requested_on",
            "due_date",
            "start_due",
            "scope",
            "cause_date",
            "cause",
        ):
            batch.drop_column(column)
