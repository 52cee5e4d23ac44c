"""A started plan, its reporting cycles and its task runs (one agency's duty in one cycle).

State columns are written only through ``engine.services.transitions.fire``: each model exposes
``state`` as a read-only hybrid property (assigning it raises), usable in queries as a column.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sxsh_flow.engine.deadlines import effective_due_on, is_overdue
from sxsh_flow.engine.models.agency import AgencyRecord
from sxsh_flow.engine.models.base import Base, UTCDateTime, state_column
from sxsh_flow.engine.states import TASK_RUN_AWAITING_REPORT, CycleState, PlanRunState, TaskRunState


class PlanRun(Base):
    __tablename__ = "plan_runs"
    # One run of a plan per province: starting it twice is refused by the database too.
    __table_args__ = (UniqueConstraint("plan_key", "province_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_key: Mapped[str] = mapped_column(String(64))
    plan_version: Mapped[str] = mapped_column(String(40))
    plan_hash: Mapped[str] = mapped_column(String(64))
    plan_title: Mapped[str] = mapped_column(String(500))
    plan_source: Mapped[str] = mapped_column(String(500))
    # The validated plan as it was when the run started: a changed file never rewrites a run.
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(120))
    _state: Mapped[PlanRunState] = state_column(PlanRunState)

    cycles: Mapped[list[ReportingCycle]] = relationship(
        back_populates="plan_run", order_by="ReportingCycle.due_on", cascade="all, delete-orphan"
    )

    @hybrid_property
    def state(self) -> PlanRunState:
        return self._state


class ReportingCycle(Base):
    """One reporting period of a run (the year 2017, or its first half) and its calendar."""

    __tablename__ = "reporting_cycles"
    __table_args__ = (UniqueConstraint("plan_run_id", "cadence", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)
    cadence: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    cutoff_start: Mapped[date] = mapped_column(Date)
    cutoff_end: Mapped[date] = mapped_column(Date)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    _state: Mapped[CycleState] = state_column(CycleState)

    plan_run: Mapped[PlanRun] = relationship(back_populates="cycles")
    task_runs: Mapped[list[TaskRun]] = relationship(back_populates="cycle", cascade="all, delete-orphan")

    @hybrid_property
    def state(self) -> CycleState:
        return self._state


class TaskRun(Base):
    """One agency's duty to report on one task for one cycle."""

    __tablename__ = "task_runs"
    __table_args__ = (UniqueConstraint("cycle_id", "task_key", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_runs.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("reporting_cycles.id", ondelete="CASCADE"), index=True)
    task_key: Mapped[str] = mapped_column(String(64))
    task_title: Mapped[str] = mapped_column(String(500))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    # The agency's name when the duty was assigned: reports keep the name their author had.
    agency_name: Mapped[str] = mapped_column(String(300))
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    extended_until: Mapped[date | None] = mapped_column(Date)
    _state: Mapped[TaskRunState] = state_column(TaskRunState)

    cycle: Mapped[ReportingCycle] = relationship(back_populates="task_runs")
    agency: Mapped[AgencyRecord] = relationship()

    @hybrid_property
    def state(self) -> TaskRunState:
        return self._state

    @hybrid_property
    def awaits_report(self) -> bool:
        """The agency still owes a report (``TASK_RUN_AWAITING_REPORT``); in a query, the same test in SQL."""
        return self._state.awaits_report

    @awaits_report.inplace.expression
    @classmethod
    def _awaits_report_expression(cls) -> ColumnElement[bool]:
        return cls._state.in_(TASK_RUN_AWAITING_REPORT)

    @property
    def effective_due_on(self) -> date:
        """The deadline that counts: an approved extension replaces the plan's date."""
        return effective_due_on(self.due_on, self.extended_until)

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self._state, self.effective_due_on, today)
