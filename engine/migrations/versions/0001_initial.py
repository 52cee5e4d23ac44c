"""plan runs, cycles, task runs, agencies, history

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provinces",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_provinces")),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("short_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parent_code", sa.String(length=40), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("successor_codes", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"],
            ["provinces.code"],
            name=op.f("fk_agencies_province_code_provinces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint(
            "province_code", "code", name=op.f("uq_agencies_province_code_code")
        ),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agencies_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "plan_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_key", sa.String(length=64), nullable=False),
        sa.Column("plan_version", sa.String(length=40), nullable=False),
        sa.Column("plan_hash", sa.String(length=64), nullable=False),
        sa.Column("plan_title", sa.String(length=500), nullable=False),
        sa.Column("plan_source", sa.String(length=500), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "active",
                "completed",
                "cancelled",
                name="planrunstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["province_code"],
            ["provinces.code"],
            name=op.f("fk_plan_runs_province_code_provinces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_runs")),
        sa.UniqueConstraint(
            "plan_key",
            "province_code",
            name=op.f("uq_plan_runs_plan_key_province_code"),
        ),
    )
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_runs_state"), ["state"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_contacts_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint(
            "agency_id", "email", name=op.f("uq_contacts_agency_id_email")
        ),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contacts_agency_id"), ["agency_id"], unique=False
        )

    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_run_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("transition", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_run_id"],
            ["plan_runs.id"],
            name=op.f("fk_history_plan_run_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_history_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_history_entity", ["entity", "entity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_history_plan_run_id"), ["plan_run_id"], unique=False
        )

    op.create_table(
        "reporting_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_run_id", sa.Integer(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cutoff_start", sa.Date(), nullable=False),
        sa.Column("cutoff_end", sa.Date(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled",
                "open",
                "closed",
                "cancelled",
                name="cyclestate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["plan_run_id"],
            ["plan_runs.id"],
            name=op.f("fk_reporting_cycles_plan_run_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_cycles")),
        sa.UniqueConstraint(
            "plan_run_id",
            "cadence",
            "label",
            name=op.f("uq_reporting_cycles_plan_run_id_cadence_label"),
        ),
    )
    with op.batch_alter_table("reporting_cycles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_cycles_plan_run_id"), ["plan_run_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reporting_cycles_state"), ["state"], unique=False
        )

    op.create_table(
        "task_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_run_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("task_key", sa.String(length=64), nullable=False),
        sa.Column("task_title", sa.String(length=500), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("agency_name", sa.String(length=300), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_until", sa.Date(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled",
                "open",
                "submitted",
                "returned",
                "accepted",
                "cancelled",
                name="taskrunstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_task_runs_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["reporting_cycles.id"],
            name=op.f("fk_task_runs_cycle_id_reporting_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_run_id"],
            ["plan_runs.id"],
            name=op.f("fk_task_runs_plan_run_id_plan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_runs")),
        sa.UniqueConstraint(
            "cycle_id",
            "task_key",
            "agency_id",
            name=op.f("uq_task_runs_cycle_id_task_key_agency_id"),
        ),
    )
    with op.batch_alter_table("task_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_runs_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_runs_cycle_id"), ["cycle_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_runs_plan_run_id"), ["plan_run_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_runs_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_runs_state"))
        batch_op.drop_index(batch_op.f("ix_task_runs_plan_run_id"))
        batch_op.drop_index(batch_op.f("ix_task_runs_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_task_runs_agency_id"))

    op.drop_table("task_runs")
    with op.batch_alter_table("reporting_cycles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_cycles_state"))
        batch_op.drop_index(batch_op.f("ix_reporting_cycles_plan_run_id"))

    op.drop_table("reporting_cycles")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_plan_run_id"))
        batch_op.drop_index("ix_history_entity")
        batch_op.drop_index(batch_op.f("ix_history_at"))

    op.drop_table("history")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_agency_id"))

    op.drop_table("contacts")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_runs_state"))

    op.drop_table("plan_runs")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_province_code"))

    op.drop_table("agencies")
    op.drop_table("provinces")
