"""results: checked results, result documents, handover (issue #13, parts 3–4)

Result documents a department issues with its approval (name and content encrypted), the one handover
of an application (出件) and the address results are mailed to (encrypted).

Revision ID: b1c2d3e40008
Revises: b1c2d3e40007
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40008"
down_revision = "b1c2d3e40007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "result_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_result_documents_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_documents")),
    )
    with op.batch_alter_table("result_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_documents_task_id"), ["task_id"], unique=False)

    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("id_checked", sa.Boolean(), nullable=False),
        sa.Column("collector", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("carrier", sa.String(length=50), nullable=True),
        sa.Column("tracking_number", sa.Text(), nullable=True),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_handovers_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clerk_id"], ["users.id"], name=op.f("fk_handovers_clerk_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_tokens.id"],
            name=op.f("fk_handovers_api_token_id_api_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
        sa.UniqueConstraint("application_id", name=op.f("uq_handovers_application_id")),
    )

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_address", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("delivery_address")
    op.drop_table("handovers")
    with op.batch_alter_table("result_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_documents_task_id"))
    op.drop_table("result_documents")
