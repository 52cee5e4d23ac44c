"""the outbox delivers per recipient: who has each message, who refused it and how

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        # Rows sent before this revision were recorded as a whole: nobody is listed, nobody refused.
        batch_op.add_column(sa.Column("delivered_to", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("refused", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("refused")
        batch_op.drop_column("delivered_to")
