"""locked prefill: the fields of an application prefilled from an e-licence, which the form shows
read-only and the server keeps until a clerk unlocks one with a reason (issue #16)

Revision ID: b1c2d3e40016
Revises: b1c2d3e40015
Create Date: 2026-12-05 00:05:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "b1c2d3e40016"
down_revision = "b1c2d3e40015"
branch_labels = None
depends_on = None


def upgrade():
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column("applications", sa.Column("locked", json_type, nullable=False, server_default="{}"))


def downgrade():
    op.drop_column("applications", "locked")
