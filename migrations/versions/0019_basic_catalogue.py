"""basic catalogue: the 基本目录 entries (基本编码, name, type, basis, level) that a district's items
(实施清单) name and must keep (issue #17)

Revision ID: b1c2d3e40019
Revises: b1c2d3e40018
Create Date: 2026-12-05 09:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40019"
down_revision = "b1c2d3e40018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "catalogue_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_entries")),
        sa.UniqueConstraint("code", name=op.f("uq_catalogue_entries_code")),
    )


def downgrade():
    op.drop_table("catalogue_entries")
