"""Words people read for the states (CLI, emails, pages share them), from the ``base`` catalogue.

One English word can be two Vietnamese ones: a *scheduled* cycle is "chưa mở", a *scheduled* task
run "chưa đến kỳ". So each label is said in the context of its machine (``pgettext``).
"""

from __future__ import annotations

from enum import StrEnum

from sxsh_flow.engine.states import CycleState, PlanRunState, TaskRunState
from sxsh_flow.words import NP_, words

# Keyed by (enum class, member): StrEnum members of different machines compare equal by value.
# Each value is (context, English msgid): the context is the machine.
_LABELS: dict[tuple[type, str], tuple[str, str]] = {
    (PlanRunState, PlanRunState.ACTIVE): ("plan run state", NP_("plan run state", "active")),
    (PlanRunState, PlanRunState.COMPLETED): ("plan run state", NP_("plan run state", "completed")),
    (PlanRunState, PlanRunState.CANCELLED): ("plan run state", NP_("plan run state", "cancelled")),
    (CycleState, CycleState.SCHEDULED): ("cycle state", NP_("cycle state", "scheduled")),
    (CycleState, CycleState.OPEN): ("cycle state", NP_("cycle state", "collecting reports")),
    (CycleState, CycleState.CLOSED): ("cycle state", NP_("cycle state", "closed")),
    (CycleState, CycleState.CANCELLED): ("cycle state", NP_("cycle state", "cancelled")),
    (CycleState, CycleState.NOT_COLLECTED): ("cycle state", NP_("cycle state", "not collected")),
    (TaskRunState, TaskRunState.SCHEDULED): ("task run state", NP_("task run state", "scheduled")),
    (TaskRunState, TaskRunState.OPEN): ("task run state", NP_("task run state", "awaiting report")),
    (TaskRunState, TaskRunState.SUBMITTED): ("task run state", NP_("task run state", "submitted")),
    (TaskRunState, TaskRunState.RETURNED): ("task run state", NP_("task run state", "returned")),
    (TaskRunState, TaskRunState.ACCEPTED): ("task run state", NP_("task run state", "accepted")),
    (TaskRunState, TaskRunState.CANCELLED): ("task run state", NP_("task run state", "cancelled")),
    (TaskRunState, TaskRunState.HANDED_OVER): ("task run state", NP_("task run state", "handed over")),
}


def state_label(state: StrEnum, language: str = "vi") -> str:
    """``state`` as a person reads it in ``language`` ("chờ báo cáo" · "awaiting report")."""
    context, message = _LABELS[type(state), state]
    return words(language).pgettext(context, message)
