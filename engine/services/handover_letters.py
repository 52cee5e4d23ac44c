"""Letters about duties that moved: one to each successor, naming what it takes over, and one to the coordinator.

``engine.services.succession`` hands the duties of agencies that ended to their successors, each
hand-over a ``Move``; this module tells people about them. A successor gets one letter per
directory change: the tasks it takes over, from which agency and from which day, each with its
deadline and, when a report is awaited already, its reply link (the letter is then its request to
report). The coordinator gets one summary per directory change: every move of the run, per cycle.

A successor may be an agency of another province (Hải Dương's duties pass to Hải Phòng's agencies):
its letter still comes from the run's lead agency. Keys carry the run, the agency and the directory
change, so queueing the same change's letters again sends nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sxsh_flow.engine.clock import local_date
from sxsh_flow.engine.message import HandedOver, MessageKind
from sxsh_flow.engine.models import PlanRun, ReportingCycle, TaskRun
from sxsh_flow.engine.moves import Move
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary, RunMail, recipients
from sxsh_flow.engine.services.outbox import OutgoingMessage


def queue_handover_letters(
    session: Session,
    run: PlanRun,
    moves: Sequence[Move],
    *,
    now: datetime,
    mailing: Mailing,
    actor: str,
    dry_run: bool = False,
) -> NoticeSummary:
    """Queue, for the moves of ``run``, a letter to each successor and the coordinator's summary.

    Moves of other runs are ignored. A dry run issues no reply link and writes nothing: it says
    what would be queued (its letters show the note that the link comes later).
    """
    moves = [move for move in moves if move.plan_run_id == run.id]
    summary = NoticeSummary()
    if not moves:
        return summary
    today = local_date(now)
    mail = RunMail(session, run, mailing, agency_ids={move.to_agency_id for move in moves}, on=today)
    held = _task_runs(session, {move.new_task_run_id for move in moves})
    messages: list[OutgoingMessage] = []
    lettered: set[tuple[int, int]] = set()  # (directory change, successor) pairs that got a letter
    by_successor: dict[tuple[int, int], list[Move]] = defaultdict(list)
    for move in moves:
        by_successor[move.change_id, move.to_agency_id].append(move)
    for (change_id, agency_id), taken in by_successor.items():
        agency = mail.agencies[agency_id]
        to, cc = recipients(mail, agency)
        if not to:
            summary.problems.append(f"{agency.code}: no active contact; handover letter not queued")
            continue
        tasks = []
        # A merger can bring one task run several predecessors: one line, each predecessor under it.
        for task_run_id in dict.fromkeys(move.new_task_run_id for move in taken):
            task_run, cycle = held[task_run_id]
            asks = task_run.state.awaits_report and not dry_run  # a dry run issues no link
            url = mail.reply_url(task_run, to, now=now, actor=actor) if asks else None
            tasks.append(mail.task_item(task_run, cycle, reply_url=url))
        messages.append(
            mail.message(
                kind=MessageKind.HANDOVER,
                key=f"handover:{run.id}:{agency_id}:{change_id}",
                agency=agency,
                to=to,
                cc=cc,
                tasks=tasks,
                today=today,
                handovers=tuple(_shown(move) for move in taken),
            )
        )
        lettered.add((change_id, agency_id))
    messages.extend(_summaries(mail, run, moves, lettered, summary, today=today))
    mail.queue(summary, messages, now=now, actor=actor, dry_run=dry_run)
    return summary


def _summaries(
    mail: RunMail,
    run: PlanRun,
    moves: list[Move],
    lettered: set[tuple[int, int]],
    summary: NoticeSummary,
    *,
    today: date,
) -> list[OutgoingMessage]:
    """The coordinator's summary of each directory change: every move, and the letters that went."""
    if mail.lead is None or mail.coordinator is None:
        summary.problems.append(
            f"run {run.id}: the lead agency has no active focal point; succession summary not queued"
        )
        return []
    by_change: dict[int, list[Move]] = defaultdict(list)
    for move in moves:
        by_change[move.change_id].append(move)
    return [
        mail.message(
            kind=MessageKind.SUCCESSION,
            key=f"succession:{run.id}:{change_id}",
            agency=mail.lead,
            to=[mail.coordinator],
            cc=[],
            tasks=[],
            today=today,
            handovers=tuple(_shown(m, lettered=(change_id, m.to_agency_id) in lettered) for m in moved),
            letters=sum(1 for change, _ in lettered if change == change_id),
        )
        for change_id, moved in by_change.items()
    ]


def _shown(move: Move, *, lettered: bool = True) -> HandedOver:
    return HandedOver(
        task_run_id=move.new_task_run_id,
        task_title=move.task_title,
        cycle_label=move.cycle_label,
        from_name=move.from_name,
        to_name=move.to_name,
        since=move.since,
        merged=move.merged,
        lettered=lettered,
    )


def _task_runs(session: Session, task_run_ids: set[int]) -> dict[int, tuple[TaskRun, ReportingCycle]]:
    """The successors' task runs, with their cycles."""
    return {
        task_run.id: (task_run, cycle)
        for task_run, cycle in session.execute(
            select(TaskRun, ReportingCycle)
            .join(ReportingCycle, TaskRun.cycle_id == ReportingCycle.id)
            .where(TaskRun.id.in_(sorted(task_run_ids)))
        ).tuples()
    }
