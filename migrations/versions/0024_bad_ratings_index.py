"""bad ratings index: the lead department's 差评 list reads the ratings with a follow-up only (issue #18)

Revision ID: b1c2d3e40024
Revises: b1c2d3e40023
Create Date: 2026-12-05 12:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40024"
down_revision = "b1c2d3e40023"
branch_labels = None
depends_on = None

BAD = sa.text("follow_up IS NOT NULL")


def upgrade():
    op.create_index("ix_ratings_bad", "ratings", ["id"], postgresql_where=BAD, sqlite_where=BAD)


def downgrade():
    op.drop_index("ix_ratings_bad", table_name="ratings")
