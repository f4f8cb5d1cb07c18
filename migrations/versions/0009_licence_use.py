"""licence use: which e-licence stood for a material, whose it is and the holder's authorisation

Revision ID: b1c2d3e40009
Revises: b1c2d3e40008
Create Date: 2026-12-01 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40009"
down_revision = "b1c2d3e40008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application_materials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("licence", sa.Text(), nullable=True))  # encrypted JSON


def downgrade():
    with op.batch_alter_table("application_materials", schema=None) as batch_op:
        batch_op.drop_column("licence")
