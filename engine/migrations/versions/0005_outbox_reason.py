"""the outbox keeps why a message was queued; claims name their source state in history alone

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        # Why the message was queued (the reminder rule that fired); "" for rows queued before.
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        # A claim now moves each source state in its own statement, so the history row knows the
        # state without the row remembering it.
        batch_op.drop_column("claimed_from")


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_from", sa.String(length=16), nullable=True))
        batch_op.drop_column("reason")
