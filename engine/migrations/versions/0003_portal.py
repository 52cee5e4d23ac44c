"""reply portal

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_run_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("forwarded_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_reply_links_contact_id_contacts")),
        sa.ForeignKeyConstraint(
            ["forwarded_from_id"], ["reply_links.id"], name=op.f("fk_reply_links_forwarded_from_id_reply_links")
        ),
        sa.ForeignKeyConstraint(
            ["task_run_id"], ["task_runs.id"], name=op.f("fk_reply_links_task_run_id_task_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_links")),
        sa.UniqueConstraint("nonce", name=op.f("uq_reply_links_nonce")),
    )
    with op.batch_alter_table("reply_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_links_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reply_links_task_run_id"), ["task_run_id"], unique=False)

    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_run_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_until", sa.Date(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("granted_until", sa.Date(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("pending", "approved", "denied", name="extensionstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_extension_requests_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["reply_links.id"], name=op.f("fk_extension_requests_link_id_reply_links")
        ),
        sa.ForeignKeyConstraint(
            ["task_run_id"],
            ["task_runs.id"],
            name=op.f("fk_extension_requests_task_run_id_task_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extension_requests_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_extension_requests_task_run_id"), ["task_run_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_run_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("form_nonce", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("draft", "submitted", "accepted", "returned", name="submissionstate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_submissions_contact_id_contacts")),
        sa.ForeignKeyConstraint(["link_id"], ["reply_links.id"], name=op.f("fk_submissions_link_id_reply_links")),
        sa.ForeignKeyConstraint(
            ["task_run_id"], ["task_runs.id"], name=op.f("fk_submissions_task_run_id_task_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("form_nonce", name=op.f("uq_submissions_form_nonce")),
        sa.UniqueConstraint("task_run_id", "version", name=op.f("uq_submissions_task_run_id_version")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_task_run_id"), ["task_run_id"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_attachments_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_submission_id"), ["submission_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_submission_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_sha256"))

    op.drop_table("attachments")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_task_run_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_state"))

    op.drop_table("submissions")
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extension_requests_task_run_id"))
        batch_op.drop_index(batch_op.f("ix_extension_requests_state"))

    op.drop_table("extension_requests")
    with op.batch_alter_table("reply_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_links_task_run_id"))
        batch_op.drop_index(batch_op.f("ix_reply_links_contact_id"))

    op.drop_table("reply_links")
