"""sealed digests: the SHA-256 of an uploaded material or a result file is kept as a Fernet token like
its name and content (issue #15: a digest in clear confirms who holds a known document)

Existing digests are sealed with the running installation's first data key. On PostgreSQL the column
becomes text (a token is longer than 64); SQLite keeps its declared type, which does not limit length,
so its tables are not copied (a copy of uploads would cascade through the foreign keys).

Revision ID: b1c2d3e40014
Revises: b1c2d3e40013
Create Date: 2026-12-04 22:40:00

"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b1c2d3e40014"
down_revision = "b1c2d3e40013"
branch_labels = None
depends_on = None

TABLES = ("uploads", "result_documents")


def _rewrite(change: Callable[[str], str]) -> None:
    from bundler.privacy import keyring

    ring = keyring()
    connection = op.get_bind()
    for name in TABLES:
        rows = sa.table(name, sa.column("id", sa.Integer()), sa.column("sha256", sa.Text()))
        for row_id, digest in connection.execute(sa.select(rows.c.id, rows.c.sha256)).all():
            if digest is not None:
                connection.execute(
                    rows.update().where(rows.c.id == row_id).values(sha256=change(ring, digest))
                )


def _set_type(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for name in TABLES:
        op.alter_column(name, "sha256", existing_type=old, type_=new, existing_nullable=False)


def upgrade():
    _set_type(sa.String(length=64), sa.Text())
    _rewrite(lambda ring, digest: ring.encrypt(digest.encode()).decode())


def downgrade():
    _rewrite(lambda ring, token: ring.decrypt(token.encode()).decode())
    _set_type(sa.Text(), sa.String(length=64))
