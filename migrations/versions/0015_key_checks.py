"""key checks: the fingerprints of the current data and lookup keys, so that a process without them
notices; e-licences keep their holder's number (encrypted) so their lookup hash can be computed again
under a new LOOKUP_KEY (issue #15)

Revision ID: b1c2d3e40015
Revises: b1c2d3e40014
Create Date: 2026-12-04 23:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40015"
down_revision = "b1c2d3e40014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "key_checks",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.add_column("e_licences", sa.Column("holder", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("e_licences", "holder")
    op.drop_table("key_checks")
