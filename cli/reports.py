"""``report``: the consolidated report of a cycle (or of every cycle up to it) as HTML, Word or Excel.

Rendering loads matplotlib, python-docx and openpyxl: they are imported inside the command, after
the format is known to be good, so other commands (and a mistyped format) stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sxsh_flow.cli.output import emit_json

if TYPE_CHECKING:
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.reports.model import ConsolidatedReport

FORMATS = ("html", "docx", "xlsx")
_SUFFIXES = {".html": "html", ".htm": "html", ".docx": "docx", ".xlsx": "xlsx"}


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    ctx: typer.Context,
    run: Annotated[int, typer.Argument(help="Run number (see: sxsh-flow status).")],
    cycle: Annotated[str, typer.Option("--cycle", "-c", help="The reporting cycle, e.g. 2017 or 2017-H1.")],
    cumulative: Annotated[
        bool, typer.Option("--cumulative", help="Every cycle of the run up to --cycle, added up.")
    ] = False,
    output_format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="html, docx or xlsx; default: from the -o file's extension, else html."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="The file to write; without it HTML goes to standard output.", dir_okay=False
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report's figures as one JSON document (for scripts).")
    ] = False,
) -> None:
    """Write the consolidated report of RUN for a cycle: indicators against targets, work volume,
    funding by source (with the total in words), what agencies wrote, late and missing units, and
    the enterprises that took part; HTML, a Word document in the Decree 30/2020 layout, or an Excel
    workbook of its tables.

    Example: sxsh-flow report 1 --cycle 2017 -o bao-cao-2017.docx
    """
    from sxsh_flow.engine.clock import local_date
    from sxsh_flow.reports.collect import build_report

    app_context: AppContext = ctx.obj
    chosen = _format(output_format, output)
    if chosen != "html" and output is None and not as_json:
        raise typer.BadParameter(
            app_context.words.gettext("a {format} report needs a file to go to: add -o FILE", format=chosen),
            param_hint="'--output' / '-o'",
        )
    with app_context.store.session() as session:
        built = build_report(
            session,
            run,
            cycle_label=cycle,
            cumulative=cumulative,
            today=local_date(app_context.now()),
            language=app_context.language,
        )
    if output is None and as_json:
        emit_json(_document(built, None))
        return
    content = _render(built, chosen)
    if output is None:
        typer.echo(content.decode("utf-8"), nl=False)
        return
    _write(output, content)
    if as_json:
        emit_json(_document(built, output))
        return
    _say_written(app_context, built, output)


def _format(given: str | None, output: Path | None) -> str:
    """The format asked for, else the one the file's extension names, else HTML."""
    from sxsh_flow.errors import UnknownReportFormat

    if given is not None:
        if given.lower() not in FORMATS:
            raise UnknownReportFormat(given, FORMATS)
        return given.lower()
    if output is None:
        return "html"
    suffix = output.suffix.lower()
    if suffix not in _SUFFIXES:
        raise UnknownReportFormat(suffix or output.name, FORMATS)
    return _SUFFIXES[suffix]


def _render(built: ConsolidatedReport, chosen: str) -> bytes:
    if chosen == "docx":
        from sxsh_flow.reports.docx import render_docx

        return render_docx(built)
    if chosen == "xlsx":
        from sxsh_flow.reports.xlsx import render_xlsx

        return render_xlsx(built)
    from sxsh_flow.reports.html import render_html

    return render_html(built).encode("utf-8")


def _write(output: Path, content: bytes) -> None:
    from sxsh_flow.errors import ConfigurationError
    from sxsh_flow.words import N_

    try:
        output.write_bytes(content)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigurationError("-o", str(output), N_("cannot write it ({reason})"), reason=reason) from exc


def _document(built: ConsolidatedReport, output: Path | None) -> dict[str, object]:
    from sxsh_flow.reports.model import figures
    from sxsh_flow.reports.money_words import amount_in_words

    document = figures(built)
    document["funding"]["total_in_words"] = amount_in_words(built.funding_total.total)
    document["file"] = str(output) if output is not None else None
    return document


def _say_written(app_context: AppContext, built: ConsolidatedReport, output: Path) -> None:
    said = app_context.words
    typer.echo(
        said.gettext(
            "Wrote the report of run #{run} for {cycles} to {output}: {received} of {expected} reports "
            "consolidated; funding {total}.",
            run=built.run_id,
            period=built.period_label,
            cycles=", ".join(built.cycle_labels),
            output=output,
            received=built.reports_received,
            expected=built.reports_expected,
            total=said.money(built.funding_total.total),
        )
    )
    if built.upward_expected:  # the lead's own report upward, counted apart as the report says
        from sxsh_flow.reports.writing import counts_text

        typer.echo("  " + counts_text(built))
    late = sum(1 for unit in built.late_units if unit.submitted_on is not None)
    missing = len(built.late_units) - late
    if late or missing:
        from sxsh_flow.reports.outline import reference

        # The section's number from the report's outline, so it names a section the file has.
        typer.echo(
            "  "
            + said.gettext(
                "{late} report(s) late, {missing} not received (see section {section} of the report).",
                late=late,
                missing=missing,
                section=reference("reporting"),
            )
        )
