"""forwarded links belong to guests, not to new contacts; submissions name their author

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reply_links", schema=None) as batch_op:
        # A guest's link has no contact: forwarding no longer adds the colleague to the agency.
        batch_op.alter_column("contact_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("guest_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("guest_email", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("approval", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("ticket", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_reply_links_ticket", ["ticket"])
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author", sa.String(length=600), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("author")
    with op.batch_alter_table("reply_links", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reply_links_ticket", type_="unique")
        for column in ("ticket", "decided_by", "decided_at", "approval", "guest_email", "guest_name"):
            batch_op.drop_column(column)
        batch_op.alter_column("contact_id", existing_type=sa.Integer(), nullable=False)
