"""one retry mechanism: the time of the next attempt of a delivery or a notice is kept in the database,
so the 10/30/120/600 s schedule survives a Redis restart (issue #15)

Revision ID: b1c2d3e40013
Revises: b1c2d3e40012
Create Date: 2026-12-04 21:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40013"
down_revision = "b1c2d3e40012"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("deliveries", "notifications"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in ("notifications", "deliveries"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("next_attempt_at")
