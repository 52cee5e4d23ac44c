"""The run's history in words: what moved (a report, a cycle, an email) and how, for the desk's page.

History rows keep the engine's names (``task_run``, ``submit``); people read them translated here.
A name the engine adds later and this table lacks is shown as stored rather than hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.models import HistoryEntry
from sxsh_flow.engine.states import CycleState, PlanRunState, TaskRunState
from sxsh_flow.web.desk.words import DESK_TEXT, desk_text
from sxsh_flow.words import NP_, words

HISTORY = "desk history"
ENTITIES: dict[str, str] = {
    "plan_run": NP_("desk history", "Plan run"),
    "cycle": NP_("desk history", "Reporting cycle"),
    "task_run": NP_("desk history", "Report duty"),
    "submission": NP_("desk history", "Report version"),
    "extension_request": NP_("desk history", "Extension request"),
    "outbox_message": NP_("desk history", "Email"),
    "scheduled_run": NP_("desk history", "Scheduled job"),
}
MOVES: dict[str, str] = {
    "create": NP_("desk history", "created"),
    "open": NP_("desk history", "opened"),
    "submit": NP_("desk history", "submitted"),
    "accept": NP_("desk history", "accepted"),
    "return": NP_("desk history", "returned for changes"),
    "approve": NP_("desk history", "approved"),
    "deny": NP_("desk history", "denied"),
    "cancel": NP_("desk history", "cancelled"),
    "close": NP_("desk history", "closed"),
    "complete": NP_("desk history", "completed"),
    "deliver": NP_("desk history", "delivered"),
    "defer": NP_("desk history", "deferred"),
    "fail": NP_("desk history", "failed"),
    "retry": NP_("desk history", "to be tried again"),
    "requeue": NP_("desk history", "queued again"),
    "claim": NP_("desk history", "taken for sending"),
    "reclaim": NP_("desk history", "taken again for sending"),
    "finish": NP_("desk history", "finished"),
    "skip": NP_("desk history", "skipped"),
    "refuse": NP_("desk history", "refused"),
    "pass_over": NP_("desk history", "handed over"),
    "take_over": NP_("desk history", "taken over"),
    "issue_link": NP_("desk history", "reply link issued"),
    "forward": NP_("desk history", "forwarded to a colleague"),
    "forward_approved": NP_("desk history", "forward approved"),
    "forward_denied": NP_("desk history", "forward denied"),
    "save_draft": NP_("desk history", "draft saved"),
    "request_extension": NP_("desk history", "more time asked for"),
    "extend": NP_("desk history", "deadline extended"),
}
_STATES: dict[str, type[StrEnum]] = {"plan_run": PlanRunState, "cycle": CycleState, "task_run": TaskRunState}
_PREFIXED = {"submission": "state_", "outbox_message": "email_"}


@dataclass(frozen=True)
class Said:
    at: datetime
    actor: str
    what: str  # "Report version #12: returned for changes"
    states: str  # "submitted → returned", or "" for a note that moved nothing
    reason: str


def said(entry: HistoryEntry, language: str) -> Said:
    speak = words(language)
    entity = speak.pgettext(HISTORY, ENTITIES[entry.entity]) if entry.entity in ENTITIES else entry.entity
    move = speak.pgettext(HISTORY, MOVES[entry.transition]) if entry.transition in MOVES else entry.transition
    states = ""
    if entry.from_state and entry.from_state != entry.to_state:
        states = (
            f"{_state(entry.entity, entry.from_state, language)} → {_state(entry.entity, entry.to_state, language)}"
        )
    return Said(entry.at, entry.actor, f"{entity} #{entry.entity_id}: {move}", states, entry.reason)


def _state(entity: str, value: str, language: str) -> str:
    machine = _STATES.get(entity)
    if machine is not None:
        try:
            return state_label(machine(value), language)
        except (ValueError, KeyError):
            return value
    key = _PREFIXED.get(entity, "") + value
    return desk_text(key, language) if entity in _PREFIXED and key in DESK_TEXT else value
