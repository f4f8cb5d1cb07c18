"""every party confirms: the parties of an application a bundle asks to confirm it (each person of
the listed roles), how and what each confirmed, and when the applicant asked to submit (issue #16)

Revision ID: b1c2d3e40018
Revises: b1c2d3e40017
Create Date: 2026-12-05 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40018"
down_revision = "b1c2d3e40017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_digest", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_confirmations_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_confirmations_confirmed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmations")),
        sa.UniqueConstraint("application_id", "party", name=op.f("uq_confirmations_application_id_party")),
    )
    op.create_index(op.f("ix_confirmations_application_id"), "confirmations", ["application_id"])
    op.create_index(op.f("ix_confirmations_id_number_hash"), "confirmations", ["id_number_hash"])
    op.add_column("applications", sa.Column("submit_requested_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("applications", "submit_requested_at")
    op.drop_index(op.f("ix_confirmations_id_number_hash"), table_name="confirmations")
    op.drop_index(op.f("ix_confirmations_application_id"), table_name="confirmations")
    op.drop_table("confirmations")
