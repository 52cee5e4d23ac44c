"""The store's tables as SQLAlchemy Core reads them: the columns ``status`` reads, without the ORM.

``status`` is the command a coordinator types most, and the ORM (``sqlalchemy.orm`` and the models
of ``engine.models``) was a third of its start-up; it changes nothing, so it reads rows as columns
of these tables. Each column here is the model's column of the same name and type (the types come
from ``engine.column_types``, as the models' do); ``tests/engine/test_read_tables.py`` keeps them so.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table, Text

from sxsh_flow.engine.column_types import UTCDateTime, state_type
from sxsh_flow.engine.states import CycleState, OutboxState, PlanRunState, ScheduledRunState, TaskRunState

# Apart from the models' metadata: these tables are never created or migrated, only read.
_metadata = MetaData()

plan_runs = Table(
    "plan_runs",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_key", String(64)),
    Column("plan_version", String(40)),
    Column("plan_hash", String(64)),
    Column("plan_title", String(500)),
    Column("spec", JSON),
    Column("province_code", String(8)),
    Column("state", state_type(PlanRunState)),
)

reporting_cycles = Table(
    "reporting_cycles",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_run_id", Integer),
    Column("cadence", String(16)),
    Column("label", String(16)),
    Column("year", Integer),
    Column("cutoff_start", Date),
    Column("cutoff_end", Date),
    Column("opens_on", Date),
    Column("due_on", Date),
    Column("closes_on", Date),
    Column("state", state_type(CycleState)),
)

task_runs = Table(
    "task_runs",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_run_id", Integer),
    Column("cycle_id", Integer),
    Column("task_key", String(64)),
    Column("task_title", String(500)),
    Column("agency_code", String(40)),
    Column("agency_name", String(300)),
    Column("opens_on", Date),
    Column("due_on", Date),
    Column("extended_until", Date),
    Column("state", state_type(TaskRunState)),
)

outbox_messages = Table(
    "outbox_messages",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("refused", JSON),
    Column("state", state_type(OutboxState)),
)

scheduled_runs = Table(
    "scheduled_runs",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("job", String(32)),
    Column("slot", String(32)),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("attempts", Integer),
    Column("detail", Text),
    Column("state", state_type(ScheduledRunState)),
)

agencies = Table(
    "agencies",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40)),
    Column("name", String(300)),
)

TABLES = (plan_runs, reporting_cycles, task_runs, outbox_messages, scheduled_runs, agencies)
