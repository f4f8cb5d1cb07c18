"""people: notifications, applicant ID numbers, personal data encrypted (issue #13, parts 5–7)

Revision ID: b1c2d3e40006
Revises: 5cb799498d2e
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "b1c2d3e40006"
down_revision = "5cb799498d2e"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
