"""files: material files travel to departments (issue #13, parts 1–2)

Upload file names become Fernet tokens like the content (existing names are encrypted with the running
installation's first data key); a material collected at the counter records when and by whom.

Revision ID: b1c2d3e40007
Revises: b1c2d3e40006
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40007"
down_revision = "b1c2d3e40006"
branch_labels = None
depends_on = None


def _ring():
    from bundler.privacy import keyring

    return keyring()


def _rewrite_filenames(change) -> None:
    uploads = sa.table("uploads", sa.column("id", sa.Integer()), sa.column("filename", sa.Text()))
    connection = op.get_bind()
    for upload_id, filename in connection.execute(sa.select(uploads.c.id, uploads.c.filename)).all():
        if filename is not None:
            connection.execute(
                uploads.update().where(uploads.c.id == upload_id).values(filename=change(filename))
            )


def upgrade():
    with op.batch_alter_table("uploads") as batch:
        batch.alter_column("filename", existing_type=sa.String(length=255), type_=sa.Text(), nullable=False)
    ring = _ring()
    _rewrite_filenames(lambda name: ring.encrypt(name.encode()).decode())
    # Plain columns, added in place (a batch copy of application_materials would cascade-delete the
    # uploads on SQLite, which enforces foreign keys here).
    op.add_column(
        "application_materials", sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("application_materials", sa.Column("collected_by", sa.String(length=200), nullable=True))


def downgrade():
    op.drop_column("application_materials", "collected_by")
    op.drop_column("application_materials", "collected_at")
    ring = _ring()
    _rewrite_filenames(lambda token: ring.decrypt(token.encode()).decode()[-255:])
    with op.batch_alter_table("uploads") as batch:
        batch.alter_column("filename", existing_type=sa.Text(), type_=sa.String(length=255), nullable=False)
