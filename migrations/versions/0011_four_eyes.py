"""four eyes: who drafted a catalogue change (created, edited or submitted it), so that none of them
publishes it (issue #15)

Revision ID: b1c2d3e40011
Revises: b1c2d3e40010
Create Date: 2026-12-04 21:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "b1c2d3e40011"
down_revision = "b1c2d3e40010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table("catalogue_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drafters", JSON, nullable=False, server_default=sa.text("'[]'")))
    changes = sa.table(
        "catalogue_changes",
        sa.column("id", sa.Integer),
        sa.column("created_by_id", sa.Integer),
        sa.column("drafters", JSON),
    )
    connection = op.get_bind()
    for change_id, creator in connection.execute(
        sa.select(changes.c.id, changes.c.created_by_id).where(changes.c.created_by_id.is_not(None))
    ):
        connection.execute(changes.update().where(changes.c.id == change_id).values(drafters=[creator]))


def downgrade():
    with op.batch_alter_table("catalogue_changes", schema=None) as batch_op:
        batch_op.drop_column("drafters")
