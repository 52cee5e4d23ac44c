"""provinces have a kind, a validity period and a successor; directory imports are recorded

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provinces", schema=None) as batch_op:
        # Every province imported before this revision was a tỉnh with no end: what they were then.
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="province"))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("successor_code", sa.String(length=8), nullable=True))
    op.create_table(
        "directory_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_changes")),
    )


def downgrade() -> None:
    op.drop_table("directory_changes")
    with op.batch_alter_table("provinces", schema=None) as batch_op:
        for column in ("successor_code", "valid_to", "valid_from", "kind"):
            batch_op.drop_column(column)
