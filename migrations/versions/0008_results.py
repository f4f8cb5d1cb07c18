"""results: checked results, result documents, handover (issue #13, parts 3–4)

Revision ID: b1c2d3e40008
Revises: b1c2d3e40007
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "b1c2d3e40008"
down_revision = "b1c2d3e40007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
