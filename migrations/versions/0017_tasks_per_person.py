"""tasks per person: a step that runs once for each person of a repeating role (``per: 新生儿``) has
one task per person, numbered from 0 in the order the application names them (issue #16)

Revision ID: b1c2d3e40017
Revises: b1c2d3e40016
Create Date: 2026-12-05 08:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40017"
down_revision = "b1c2d3e40016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("per_role", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("person", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_tasks_application_id_item_id", type_="unique")
        batch.create_unique_constraint(
            "uq_tasks_application_id_item_id_person", ["application_id", "item_id", "person"]
        )


def downgrade():
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint("uq_tasks_application_id_item_id_person", type_="unique")
        batch.create_unique_constraint("uq_tasks_application_id_item_id", ["application_id", "item_id"])
        batch.drop_column("person")
        batch.drop_column("per_role")
