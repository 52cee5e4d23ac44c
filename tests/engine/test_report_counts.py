"""Counting a cycle's reports: the agencies' reports to the lead, and the lead's own report upward apart."""

from __future__ import annotations

from dataclasses import dataclass

from sxsh_flow.engine.report_counts import ReportCounts, count_reports, counts_sentence, upward_tasks
from sxsh_flow.engine.states import TaskRunState
from sxsh_flow.words import words
from sxsh_flow.workflows import load_builtin_plan


@dataclass(frozen=True)
class Owed:
    task_key: str
    state: TaskRunState


def test_the_leads_report_to_the_provincial_committee_is_the_one_upward_task() -> None:
    assert upward_tasks(load_builtin_plan("plan-2016-2020").spec) == {"sct-consolidated-report"}


def test_received_is_submitted_or_accepted_and_void_runs_are_owed_by_nobody() -> None:
    runs = [
        Owed("district", TaskRunState.ACCEPTED),
        Owed("district", TaskRunState.SUBMITTED),  # awaiting review: received
        Owed("district", TaskRunState.RETURNED),  # not received until sent again
        Owed("district", TaskRunState.OPEN),
        Owed("district", TaskRunState.CANCELLED),
        Owed("district", TaskRunState.HANDED_OVER),  # the successor's run carries it
        Owed("upward", TaskRunState.SUBMITTED),
    ]

    counts = count_reports(runs, frozenset({"upward"}))

    assert counts == ReportCounts(expected=4, received=2, upward_expected=1, upward_received=1)
    assert (counts.all_expected, counts.all_received) == (5, 3)


def test_the_counts_in_words_say_what_they_include() -> None:
    counts = ReportCounts(26, 21, 1, 0)

    vi = counts_sentence(words("vi"), counts, lead="Sở Công Thương", upward_to="UBND tỉnh")
    en = counts_sentence(words("en"), counts, lead="Sở Công Thương", upward_to="UBND tỉnh")

    assert vi == (
        "Các đơn vị phải nộp 26 báo cáo, đã nhận 21 báo cáo; "
        "cộng báo cáo của Sở Công Thương lên UBND tỉnh là 27 báo cáo, đã nhận 21 báo cáo."
    )
    assert en == (
        "26 reports are due from the agencies, 21 received; "
        "with the report of Sở Công Thương to UBND tỉnh, 27 in all, 21 received."
    )
