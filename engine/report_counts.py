"""How many reports a cycle expects and has received: one count for the status, the report and its email.

Two kinds of report are owed in a cycle: the agencies' reports to the lead agency (Sở Công Thương),
which the consolidated report is built from, and the lead's own report upward (to UBND tỉnh), which
*is* the consolidated report. They are counted apart, so that "20/25 reports received" in the
closing email and in its Word and Excel files are the same figure, and the 26th, the lead's own, is
stated beside it rather than silently in or out.

A report is received when its task run is submitted (awaiting review) or accepted: a version
returned for correction is not received until it is sent again. Cancelled and handed-over task runs
are owed by nobody (a successor's task run carries a handed-over duty).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import TASK_RUN_VOID, TaskRunState
from sxsh_flow.words import Words

RECEIVED = frozenset({TaskRunState.SUBMITTED, TaskRunState.ACCEPTED})


class OwedReport(Protocol):
    @property
    def task_key(self) -> str: ...

    @property
    def state(self) -> TaskRunState: ...


@dataclass(frozen=True)
class ReportCounts:
    expected: int = 0  # the agencies' reports owed to the lead
    received: int = 0
    upward_expected: int = 0  # the lead's own reports upward (Sở Công Thương's to UBND tỉnh)
    upward_received: int = 0

    @property
    def all_expected(self) -> int:
        """Every report owed in the cycle, the lead's own included: the number ``status`` lists."""
        return self.expected + self.upward_expected

    @property
    def all_received(self) -> int:
        return self.received + self.upward_received


def upward_tasks(spec: PlanSpec) -> frozenset[str]:
    """The keys of the tasks whose report goes past the lead (its recipient is not the plan's lead)."""
    return frozenset(task.key for task in spec.tasks if spec.recipient_of(task) != spec.lead)


def count_reports(task_runs: Iterable[OwedReport], upward: frozenset[str]) -> ReportCounts:
    """The counts of ``task_runs`` (void ones left out), those of an ``upward`` task apart."""
    expected = received = upward_expected = upward_received = 0
    for task_run in task_runs:
        if task_run.state in TASK_RUN_VOID:
            continue
        got = task_run.state in RECEIVED
        if task_run.task_key in upward:
            upward_expected += 1
            upward_received += got
        else:
            expected += 1
            received += got
    return ReportCounts(expected, received, upward_expected, upward_received)


def counts_sentence(w: Words, counts: ReportCounts, *, lead: str, upward_to: str) -> str:
    """The counts in words, the same in the report, its workbook and the closing email:
    "Các đơn vị phải nộp 25 báo cáo, đã nhận 20; cộng báo cáo của Sở Công Thương lên UBND tỉnh là 26, đã nhận 21."
    """
    if not counts.upward_expected:
        return w.gettext(
            "{expected} reports are due from the agencies, {received} received.",
            expected=w.number(counts.expected),
            received=w.number(counts.received),
        )
    return w.gettext(
        "{expected} reports are due from the agencies, {received} received; with the report of {lead} to "
        "{recipient}, {all_expected} in all, {all_received} received.",
        expected=w.number(counts.expected),
        received=w.number(counts.received),
        lead=lead,
        recipient=upward_to or w.gettext("the level above"),
        all_expected=w.number(counts.all_expected),
        all_received=w.number(counts.all_received),
    )
