"""Words people read for the states and other codes (CLI, emails, pages share them), from the ``base`` catalogue.

One English word can be two Vietnamese ones: a *scheduled* cycle is "chưa mở", a *scheduled* task
run "chưa đến kỳ". So each label is said in the context of its machine (``pgettext``).
"""

from __future__ import annotations

from enum import StrEnum

from sxsh_flow.agencies.kinds import KIND_SELECTOR_PREFIX, AgencyKind
from sxsh_flow.engine.message_kind import MessageKind
from sxsh_flow.engine.spec_terms import Aggregation, Cadence
from sxsh_flow.engine.states import (
    CycleState,
    ExtensionState,
    OutboxState,
    PlanRunState,
    SubmissionState,
    TaskRunState,
)
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
    (SubmissionState, SubmissionState.DRAFT): ("submission state", NP_("submission state", "draft")),
    (SubmissionState, SubmissionState.SUBMITTED): (
        "submission state",
        NP_("submission state", "submitted, awaiting review"),
    ),
    (SubmissionState, SubmissionState.ACCEPTED): ("submission state", NP_("submission state", "accepted")),
    (SubmissionState, SubmissionState.RETURNED): ("submission state", NP_("submission state", "returned for changes")),
    (ExtensionState, ExtensionState.PENDING): ("extension state", NP_("extension state", "pending")),
    (ExtensionState, ExtensionState.APPROVED): ("extension state", NP_("extension state", "approved")),
    (ExtensionState, ExtensionState.DENIED): ("extension state", NP_("extension state", "denied")),
    (OutboxState, OutboxState.QUEUED): ("outbox state", NP_("outbox state", "queued")),
    (OutboxState, OutboxState.SENDING): ("outbox state", NP_("outbox state", "sending")),
    (OutboxState, OutboxState.SENT): ("outbox state", NP_("outbox state", "sent")),
    (OutboxState, OutboxState.RETRY): ("outbox state", NP_("outbox state", "to retry")),
    (OutboxState, OutboxState.FAILED): ("outbox state", NP_("outbox state", "failed")),
    (OutboxState, OutboxState.CANCELLED): ("outbox state", NP_("outbox state", "cancelled")),
    (AgencyKind, AgencyKind.PROVINCIAL_COMMITTEE): ("agency kind", NP_("agency kind", "provincial committee")),
    (AgencyKind, AgencyKind.DEPARTMENT): ("agency kind", NP_("agency kind", "department")),
    (AgencyKind, AgencyKind.INDUSTRIAL_ZONE_BOARD): ("agency kind", NP_("agency kind", "industrial zone board")),
    (AgencyKind, AgencyKind.DISTRICT): ("agency kind", NP_("agency kind", "district")),
    (AgencyKind, AgencyKind.COMMUNE): ("agency kind", NP_("agency kind", "commune")),
    (AgencyKind, AgencyKind.CENTER): ("agency kind", NP_("agency kind", "public service unit")),
    (AgencyKind, AgencyKind.ENTERPRISE): ("agency kind", NP_("agency kind", "enterprise")),
    (AgencyKind, AgencyKind.MINISTRY): ("agency kind", NP_("agency kind", "ministry")),
    (Cadence, Cadence.ONCE): ("cadence", NP_("cadence", "once")),
    (Cadence, Cadence.ANNUAL): ("cadence", NP_("cadence", "yearly")),
    (Cadence, Cadence.SIX_MONTHLY): ("cadence", NP_("cadence", "every six months")),
    (Aggregation, Aggregation.SUM): ("aggregation", NP_("aggregation", "sum")),
    (Aggregation, Aggregation.RATIO): ("aggregation", NP_("aggregation", "ratio")),
    (Aggregation, Aggregation.LATEST): ("aggregation", NP_("aggregation", "latest")),
    (MessageKind, MessageKind.KICKOFF): ("email kind", NP_("email kind", "kickoff letter")),
    (MessageKind, MessageKind.REQUEST): ("email kind", NP_("email kind", "request to report")),
    (MessageKind, MessageKind.REMINDER): ("email kind", NP_("email kind", "reminder")),
    (MessageKind, MessageKind.DUE_TODAY): ("email kind", NP_("email kind", "due today")),
    (MessageKind, MessageKind.OVERDUE): ("email kind", NP_("email kind", "overdue notice")),
    (MessageKind, MessageKind.ESCALATION): ("email kind", NP_("email kind", "escalation")),
    (MessageKind, MessageKind.RECEIPT): ("email kind", NP_("email kind", "receipt")),
    (MessageKind, MessageKind.DIGEST): ("email kind", NP_("email kind", "digest")),
    (MessageKind, MessageKind.CYCLE_CLOSED): ("email kind", NP_("email kind", "cycle closed")),
    (MessageKind, MessageKind.RETURNED): ("email kind", NP_("email kind", "report returned")),
    (MessageKind, MessageKind.EXTENSION): ("email kind", NP_("email kind", "extension answer")),
    (MessageKind, MessageKind.EXTENSION_REQUEST): ("email kind", NP_("email kind", "extension request")),
    (MessageKind, MessageKind.FORWARDED): ("email kind", NP_("email kind", "forwarded task")),
    (MessageKind, MessageKind.FORWARD_APPROVAL): ("email kind", NP_("email kind", "forward to approve")),
    (MessageKind, MessageKind.HANDOVER): ("email kind", NP_("email kind", "handover letter")),
    (MessageKind, MessageKind.SUCCESSION): ("email kind", NP_("email kind", "succession report")),
    (MessageKind, MessageKind.SIGN_IN): ("email kind", NP_("email kind", "sign-in link")),
}
# "kind:district" in a plan: every agency of that kind.
_EVERY_OF_KIND: dict[AgencyKind, str] = {
    AgencyKind.PROVINCIAL_COMMITTEE: NP_("agency selector", "the provincial committee"),
    AgencyKind.DEPARTMENT: NP_("agency selector", "every department"),
    AgencyKind.INDUSTRIAL_ZONE_BOARD: NP_("agency selector", "every industrial zone board"),
    AgencyKind.DISTRICT: NP_("agency selector", "every district"),
    AgencyKind.COMMUNE: NP_("agency selector", "every commune"),
    AgencyKind.CENTER: NP_("agency selector", "every public service unit"),
    AgencyKind.ENTERPRISE: NP_("agency selector", "every enterprise"),
    AgencyKind.MINISTRY: NP_("agency selector", "every ministry"),
}


def state_label(state: StrEnum, language: str = "vi") -> str:
    """``state`` as a person reads it in ``language`` ("chờ báo cáo" · "awaiting report").

    Any coded value with a label here reads the same way: an agency kind, a cadence, an email kind.
    """
    context, message = _LABELS[type(state), state]
    return words(language).pgettext(context, message)


label = state_label


def code_label(enum: type[StrEnum], code: str, language: str = "vi") -> str:
    """A stored code (``"kickoff"``, ``"department"``) read as a word; a code with no label stays as it is."""
    try:
        member = enum(code)
    except ValueError:
        return code
    return state_label(member, language) if (enum, member) in _LABELS else code


def selector_label(selector: str, language: str = "vi") -> str:
    """How a plan names agencies, read: ``SCT`` stays a code, ``kind:district`` is "every district"."""
    if not selector.startswith(KIND_SELECTOR_PREFIX):
        return selector
    kind = selector.removeprefix(KIND_SELECTOR_PREFIX)
    if kind not in AgencyKind.__members__.values():
        return selector
    return words(language).pgettext("agency selector", _EVERY_OF_KIND[AgencyKind(kind)])
