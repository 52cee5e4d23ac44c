"""``submissions show`` for people: a report as its form reads, in the coordinator's language.

The layout is ``engine.submission_reading``'s, the one the desk shows: the form's labels, numbers
written 1.234.567, money in đồng, dates dd/mm/yyyy, the enterprises as a table. Lines wrap at the
terminal's width; text typed by an agency is made printable first.
"""

from __future__ import annotations

import shutil
import textwrap
from datetime import datetime

from sxsh_flow.cli.output import printable, table
from sxsh_flow.engine.clock import VIETNAM
from sxsh_flow.engine.labels import state_label
from sxsh_flow.engine.models import PlanRun, Submission
from sxsh_flow.engine.report_form import form_definition
from sxsh_flow.engine.spec import PlanSpec
from sxsh_flow.engine.states import SubmissionState
from sxsh_flow.engine.submission_reading import read_submission
from sxsh_flow.words import Words


def submission_state(state: SubmissionState, said: Words) -> str:
    return state_label(state, said.language)


def _moment(instant: datetime, said: Words) -> str:
    local = instant.astimezone(VIETNAM)
    return f"{local:%H:%M} {said.date(local.date())}"


def submission_text(row: Submission, run: PlanRun, said: Words, width: int | None = None) -> str:
    """The report ``row`` as lines for a terminal ``width`` columns wide (the terminal's own by default)."""
    width = max(40, width or shutil.get_terminal_size((80, 24)).columns)
    task_run = row.task_run
    spec = PlanSpec.model_validate(run.spec)
    definition = form_definition(spec, spec.task(task_run.task_key))
    lines = [
        printable(
            said.gettext(
                "Report #{number}, version {version}: {state}",
                number=row.id,
                version=row.version,
                state=submission_state(row.state, said),
            )
        ),
    ]

    def pair(label: str, value: str, indent: str = "") -> None:
        lines.extend(
            textwrap.wrap(
                printable(f"{label}: {value}"), width, initial_indent=indent, subsequent_indent=indent + "    "
            )
            or [indent]
        )

    pair(said.gettext("Agency"), f"{task_run.agency_name} ({task_run.agency_code})")
    pair(said.gettext("Task"), task_run.task_title)
    pair(said.gettext("Reporting cycle"), said.cycle_name(task_run.cycle.label))
    if row.submitted_at is not None:
        timing = said.gettext("on time") if row.on_time else said.gettext("late")
        pair(said.gettext("Sent"), f"{_moment(row.submitted_at, said)} ({timing})")
    if row.author:
        pair(said.gettext("Sent by"), row.author)
    if row.review_comment:
        pair(said.gettext("Review comment"), row.review_comment)
    for section in read_submission(definition, row.values, said.language):
        lines.extend(["", printable(section.title)])
        for item in section.rows:
            if item.long:
                lines.extend(textwrap.wrap(printable(item.label) + ":", width, initial_indent="  "))
                for paragraph in item.value.split("\n"):
                    lines.extend(
                        textwrap.wrap(printable(paragraph), width, initial_indent="    ", subsequent_indent="    ")
                    )
            else:
                pair(item.label, item.value, "  ")
        if section.table is not None:
            if section.table.rows:
                lines.append(table(section.table.columns, section.table.rows))
            else:
                lines.append("  " + section.table.empty)
    if row.attachments:
        lines.extend(["", said.gettext("Attachments")])
        for attachment in row.attachments:
            size = said.number(attachment.size)
            lines.append(printable(f"  {attachment.filename} ({size} B, sha256 {attachment.sha256[:12]})"))
    return "\n".join(lines)
