"""Import directory files and apply their effect on every running plan, in one transaction.

``sxsh-flow agencies import`` writes the agencies (``agencies.import_directory``), then lets every
running plan's duties follow them (``succession``) and queues the letters that say so. A successor
named in another province (``HP:SCT``) must be known, from the store or from the same import: a
province merger is imported as both provinces' files together. A dry run is the same work in a
transaction that is rolled back (the caller's), so it prints exactly what the import would do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sxsh_flow.agencies.directory import Directory
from sxsh_flow.engine.models import DirectoryChange
from sxsh_flow.engine.services.agencies import ImportSummary, import_directory, load_registry
from sxsh_flow.engine.services.mailing import Mailing, NoticeSummary
from sxsh_flow.engine.services.succession import Succession, follow_calendar, follow_directory
from sxsh_flow.problems import InvalidDirectory, Problem, Saying
from sxsh_flow.words import N_


@dataclass(frozen=True)
class DirectoryImport:
    change_id: int
    imported: tuple[ImportSummary, ...]
    succession: Succession
    letters: NoticeSummary


def import_directories(
    session: Session,
    directories: Sequence[tuple[str, Directory]],
    *,
    now: datetime,
    actor: str,
    mailing: Mailing,
) -> DirectoryImport:
    """Import ``directories`` (each with the file it came from) and move what the change moves.

    Raises ``InvalidDirectory`` (nothing written) when a successor names an agency no directory has.
    """
    change = DirectoryChange(
        imported_at=now,
        actor=actor,
        sources=[source for source, _ in directories],
        provinces=[directory.province.code for _, directory in directories],
    )
    session.add(change)
    session.flush()
    imported = tuple(import_directory(session, directory, now=now) for _, directory in directories)
    _check_successors(session, directories)
    succession = follow_directory(session, change, now=now, actor=actor)
    letters = _queue_letters(session, succession, now=now, actor=actor, mailing=mailing)
    return DirectoryImport(change.id, imported, succession, letters)


def hand_over_ended(session: Session, *, now: datetime, actor: str, mailing: Mailing) -> NoticeSummary:
    """The daily sweep's succession: what agencies past their last day still owed, and the letters."""
    succession = follow_calendar(session, now=now, actor=actor)
    if succession is None:
        return NoticeSummary()
    letters = _queue_letters(session, succession, now=now, actor=actor, mailing=mailing)
    letters.problems.extend(succession.problems)
    return letters


def _check_successors(session: Session, directories: Sequence[tuple[str, Directory]]) -> None:
    registry = load_registry(session)
    sources = {directory.province.code: source for source, directory in directories}
    problems = [
        Problem(
            sources[dangling.holder.province],
            f"{dangling.holder.agency.code}.successors",
            None,
            Saying(N_("successor '{reference}' is in no directory imported so far"), reference=dangling.reference),
            N_("import that province's directory in the same command: sxsh-flow agencies import OLD.yaml NEW.yaml"),
        )
        for dangling in registry.dangling()
        if dangling.holder.province in sources
    ]
    for source, directory in directories:
        successor = directory.province.successor
        if successor is not None and successor not in registry:
            problems.append(
                Problem(
                    source,
                    "province.successor",
                    None,
                    Saying(N_("successor province '{province}' has no directory imported so far"), province=successor),
                    N_("import its directory in the same command"),
                )
            )
    if problems:
        raise InvalidDirectory(", ".join(dict.fromkeys(p.source for p in problems)), problems)


def _queue_letters(
    session: Session, succession: Succession, *, now: datetime, actor: str, mailing: Mailing
) -> NoticeSummary:
    from sxsh_flow.engine.models import PlanRun
    from sxsh_flow.engine.services.handover_letters import queue_handover_letters

    letters = NoticeSummary()
    for run_id in dict.fromkeys(m.plan_run_id for m in succession.moves):
        run = session.get_one(PlanRun, run_id)
        queued = queue_handover_letters(
            session, run, succession.moves_of(run_id), now=now, mailing=mailing, actor=actor
        )
        letters.queued.extend(queued.queued)
        letters.already_queued += queued.already_queued
        letters.problems.extend(queued.problems)
    return letters
