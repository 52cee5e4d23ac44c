"""Words people read for the states, in Vietnamese and English (CLI, emails, pages share them)."""

from __future__ import annotations

from enum import StrEnum

from sxsh_flow.engine.states import CycleState, PlanRunState, TaskRunState

# Keyed by (enum class, member): StrEnum members of different machines compare equal by value.
_LABELS: dict[tuple[type, str], tuple[str, str]] = {
    (PlanRunState, PlanRunState.ACTIVE): ("đang thực hiện", "active"),
    (PlanRunState, PlanRunState.COMPLETED): ("đã hoàn thành", "completed"),
    (PlanRunState, PlanRunState.CANCELLED): ("đã hủy", "cancelled"),
    (CycleState, CycleState.SCHEDULED): ("chưa mở", "scheduled"),
    (CycleState, CycleState.OPEN): ("đang thu báo cáo", "collecting reports"),
    (CycleState, CycleState.CLOSED): ("đã tổng hợp", "closed"),
    (CycleState, CycleState.CANCELLED): ("đã hủy", "cancelled"),
    (TaskRunState, TaskRunState.SCHEDULED): ("chưa đến kỳ", "scheduled"),
    (TaskRunState, TaskRunState.OPEN): ("chờ báo cáo", "awaiting report"),
    (TaskRunState, TaskRunState.SUBMITTED): ("đã nộp, chờ duyệt", "submitted"),
    (TaskRunState, TaskRunState.RETURNED): ("trả lại để sửa", "returned"),
    (TaskRunState, TaskRunState.ACCEPTED): ("đã chấp nhận", "accepted"),
    (TaskRunState, TaskRunState.CANCELLED): ("đã hủy", "cancelled"),
}


def state_label(state: StrEnum, language: str = "vi") -> str:
    vietnamese, english = _LABELS[type(state), state]
    return english if language == "en" else vietnamese
