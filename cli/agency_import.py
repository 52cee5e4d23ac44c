"""``agencies import``: write directory files, and say what they change in every running plan."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sxsh_flow.cli.output import emit_json
from sxsh_flow.words import Words

if TYPE_CHECKING:
    from sxsh_flow.engine.services.directory_import import DirectoryImport


class _DryRun(Exception):
    """Carries a dry run's result out of its transaction, which is then rolled back."""

    def __init__(self, result: DirectoryImport) -> None:
        super().__init__("dry run")
        self.result = result


def import_agencies(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Directory files: .yaml/.yml or .csv (UTF-8). A province merger: both provinces' files.",
            dir_okay=False,
        ),
    ] = None,
    sample: Annotated[
        str | None, typer.Option("--sample", help="Import the bundled sample of this province (HD) and its successors.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what the import would change and move; write nothing.")
    ] = False,
    no_send: Annotated[bool, typer.Option("--no-send", help="Queue the letters without sending them.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import (create or update) provinces' agencies and contacts, and move the duties they change.

    Every file is checked first; any problem (unknown or duplicate code, bad email, a successor no
    file names, ...) is listed with its line and nothing is written. Contacts no longer in a file
    are retired, not deleted, so history keeps pointing at real people.

    An agency that ends (valid_to, successors) hands what it still owes in every running plan to
    its successors from the day after: each move is printed, per plan and cycle, written to the
    history, and told in a letter to each successor and one email to the coordinator. A
    successor in another province is written PROVINCE:CODE; import both provinces together.

    Example: sxsh-flow agencies import hai-duong-2025.yaml hai-phong.yaml --dry-run
    """
    from sxsh_flow.agencies.loader import builtin_history, load_directory_file
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.engine.services.directory_import import import_directories
    from sxsh_flow.problems import InvalidDirectory

    app_context: AppContext = ctx.obj
    said = app_context.words
    if bool(files) == (sample is not None):
        raise typer.BadParameter(said.gettext("give exactly one of FILE or --sample PROVINCE"))
    if files:
        loaded, broken = [], []
        for file in files:  # every file's problems at once, before anything is written
            try:
                loaded.append((str(file), load_directory_file(file)))
            except InvalidDirectory as exc:
                broken.append(exc)
        if broken:
            raise InvalidDirectory(", ".join(e.source for e in broken), [p for e in broken for p in e.problems])
    else:
        loaded = [(f"{d.province.code} (built-in)", d) for d in builtin_history((sample or "").upper())]
    try:
        with app_context.store.session() as session:
            result = import_directories(
                session, loaded, now=app_context.now(), actor=app_context.actor, mailing=app_context.mailing
            )
            if dry_run:
                raise _DryRun(result)
    except _DryRun as dry:
        result = dry.result
    sent = 0
    if not dry_run and not no_send and result.letters.queued:
        from sxsh_flow.cli.mail import send_due

        sent = send_due(app_context, quiet=True).sent
    if as_json:
        emit_json(_as_json(result, dry_run=dry_run, sent=sent))
        return
    for line in import_lines(said, result):
        typer.echo(line)
    if dry_run:
        typer.echo(said.gettext("Dry run: nothing was written."))


def import_lines(said: Words, result: DirectoryImport) -> list[str]:
    """What an import did, in the order a coordinator reads it: provinces, then each plan's moves."""
    from sxsh_flow.cli.plan_inputs import imported_line

    lines = [imported_line(said, summary) for summary in result.imported]
    succession = result.succession
    if not succession.moves and not succession.new_duties:
        lines.append(said.gettext("No running plan is affected."))
    by_run: dict[tuple[int, str], dict[tuple[str, str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for move in succession.moves:
        key = (move.cycle_label, move.from_code, said.date(move.since))
        if move.to_code not in by_run[move.plan_run_id, move.plan_key][key]:
            by_run[move.plan_run_id, move.plan_key][key].append(move.to_code)
    for (run_id, plan_key), moves in by_run.items():
        count = sum(1 for m in succession.moves if m.plan_run_id == run_id)
        moved = said.gettext("Plan {plan} (run #{run}): {count} duties moved.", plan=plan_key, run=run_id, count=count)
        lines.append(moved)
        for (cycle, from_code, since), targets in moves.items():
            lines.append(
                "  "
                + said.gettext(
                    "{cycle}: {old} → {new}, from {day}",
                    cycle=cycle,
                    old=from_code,
                    new=", ".join(targets),
                    day=since,
                )
            )
    for duty in succession.new_duties:
        holds = said.gettext(
            "{cycle}: {agency} now holds {task}", cycle=duty.cycle_label, agency=duty.agency_code, task=duty.task_key
        )
        lines.append("  " + holds)
    letters = result.letters.queued
    if letters:
        lines.append(said.ngettext("{count} letter queued:", "{count} letters queued:", len(letters)))
        lines.extend(f"  {m.kind}: {', '.join(a.email for a in m.to)}" for m in letters)
    problems = [*succession.problems, *result.letters.problems]
    lines.extend(said.gettext("Problem: {problem}", problem=p) for p in problems)
    return lines


def _as_json(result: DirectoryImport, *, dry_run: bool, sent: int) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "directory_change": None if dry_run else result.change_id,
        "imported": list(result.imported),
        "moves": result.succession.moves,
        "new_duties": result.succession.new_duties,
        "letters": [
            {"kind": m.kind, "to": [a.email for a in m.to], "cc": [a.email for a in m.cc], "agency_id": m.agency_id}
            for m in result.letters.queued
        ],
        "sent_messages": sent,
        "problems": [*result.succession.problems, *result.letters.problems],
    }
