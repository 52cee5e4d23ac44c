"""``start`` and ``status``: begin a plan for a province, and see where every agency stands."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer

from sxsh_flow.cli.output import emit_json, shorten, table, vn_date


def register(app: typer.Typer) -> None:
    app.command("start")(start)
    app.command("status")(status)


def start(
    ctx: typer.Context,
    plan: Annotated[str | None, typer.Argument(help="Key of a built-in plan (see: sxsh-flow plans list).")] = None,
    province: Annotated[
        str | None, typer.Option("--province", "-p", help="Province code; default: the plan's own.")
    ] = None,
    plan_file: Annotated[
        Path | None, typer.Option("--plan-file", help="Start a plan from this YAML file instead.", dir_okay=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was made as one JSON document.")] = False,
    no_send: Annotated[bool, typer.Option("--no-send", help="Queue the kickoff letters without sending them.")] = False,
) -> None:
    """Start PLAN for a province: create its run, reporting cycles and each agency's task runs.

    The province's agency directory comes from the store (sxsh-flow agencies import FILE); when the
    store has none and sxsh-flow ships a sample for that province, the sample is imported first.
    Starting the same plan twice for a province is refused and changes nothing.

    Example: sxsh-flow --now 2016-09-01 start plan-2016-2020
    """
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.cli.mail import report_sending
    from sxsh_flow.engine.clock import local_date
    from sxsh_flow.engine.services.start import start_and_announce
    from sxsh_flow.workflows.catalog import resolve_plan

    app_context: AppContext = ctx.obj
    loaded = resolve_plan(plan, plan_file)
    province_code = (province or loaded.spec.province).upper()
    now = app_context.now()
    with app_context.store.session() as session:
        begun = start_and_announce(
            session, loaded, province_code, now=now, mailing=app_context.mailing, actor=app_context.actor
        )
    started, notices, sample_imported = begun.started, begun.notices, begun.sample_directory_imported
    sent = None
    if not no_send:
        from sxsh_flow.cli.mail import send_due

        sent = send_due(app_context, quiet=True)
    if as_json:
        emit_json(
            {
                "started": started,
                "sample_directory_imported": sample_imported,
                "now": now,
                "opened_task_runs": notices.opened_task_runs,
                "queued_messages": len(notices.queued),
                "sent_messages": sent.sent if sent else 0,
                "problems": notices.problems,
            }
        )
        return
    say = app_context.text
    if sample_imported:
        typer.echo(
            say(
                f"Đã nạp danh bạ MẪU của tỉnh {province_code} (địa chỉ thư dạng *.example, không gửi thật). "
                "Nạp danh bạ thật bằng: sxsh-flow agencies import TỆP",
                f"Imported the SAMPLE directory of province {province_code} (addresses under *.example). "
                "Load the real one with: sxsh-flow agencies import FILE",
            )
        )
    typer.echo(
        say(
            f"Đã khởi động kế hoạch {started.plan_key} cho tỉnh {started.province}: lượt #{started.run_id}, "
            f"ngày {vn_date(local_date(now))}.",
            f"Started plan {started.plan_key} for province {started.province}: run #{started.run_id}, "
            f"on {vn_date(local_date(now))}.",
        )
    )
    typer.echo(say("  Chu kỳ báo cáo: ", "  Reporting cycles: ") + ", ".join(started.cycles))
    if started.skipped_cycles:
        typer.echo(say("  Bỏ qua (đã qua): ", "  Skipped (already past): ") + ", ".join(started.skipped_cycles))
    typer.echo(
        say(
            f"  {started.task_runs} nhiệm vụ cho {len(started.agencies)} cơ quan; "
            f"{notices.opened_task_runs} đã mở ngay; hạn đầu tiên {vn_date(started.first_due_on)}.",
            f"  {started.task_runs} task runs for {len(started.agencies)} agencies; "
            f"{notices.opened_task_runs} opened now; first deadline {vn_date(started.first_due_on)}.",
        )
    )
    typer.echo(say("  Cơ quan: ", "  Agencies: ") + ", ".join(started.agencies))
    kickoffs = sum(1 for m in notices.queued if m.kind == "kickoff")
    typer.echo(
        say(
            f"  {kickoffs} thư thông báo kế hoạch, {len(notices.queued) - kickoffs} thư đề nghị báo cáo đã xếp hàng.",
            f"  {kickoffs} kickoff letter(s) and {len(notices.queued) - kickoffs} request(s) to report queued.",
        )
    )
    for problem in notices.problems:
        typer.echo(say("Cảnh báo: ", "Warning: ") + problem, err=True)
    if sent is not None:
        report_sending(app_context, sent)
    typer.echo(
        say(f"Xem tiến độ: sxsh-flow status {started.run_id}", f"See progress: sxsh-flow status {started.run_id}")
    )


def status(
    ctx: typer.Context,
    run: Annotated[int | None, typer.Argument(help="Run number (from start); default: every run.")] = None,
    cycle: Annotated[str | None, typer.Option("--cycle", "-c", help="Only this cycle, e.g. 2017.")] = None,
    agency: Annotated[str | None, typer.Option("--agency", "-a", help="Only this agency code, e.g. SCT.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only task runs past their deadline.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (every task run).")] = False,
) -> None:
    """Show, per cycle and agency, each task run's state and deadline, and what is overdue."""
    from sxsh_flow.cli.context import AppContext
    from sxsh_flow.engine.clock import local_date
    from sxsh_flow.engine.labels import state_label
    from sxsh_flow.engine.services.status import RunStatus, TaskRunStatus, run_status
    from sxsh_flow.engine.time_policy import days_in_words
    from sxsh_flow.errors import UnknownAgency

    app_context: AppContext = ctx.obj
    now = app_context.now()
    today = local_date(now)
    with app_context.store.session() as session:
        runs: list[RunStatus] = run_status(session, today=today, run_id=run)
    if agency is not None and not any(t.agency_code == agency.upper() for r in runs for t in r.task_runs):
        raise UnknownAgency(agency.upper())

    def keep(row: TaskRunStatus) -> bool:
        return (
            (cycle is None or row.cycle == cycle)
            and (agency is None or row.agency_code == agency.upper())
            and (not overdue or row.overdue)
        )

    if as_json:
        emit_json(
            {
                "now": now,
                "today": today,
                "runs": [
                    {
                        "id": r.id,
                        "plan_key": r.plan_key,
                        "plan_version": r.plan_version,
                        "plan_hash": r.plan_hash,
                        "plan_title": r.plan_title,
                        "province": r.province,
                        "state": r.state,
                        "cycles": [c for c in r.cycles if cycle is None or c.label == cycle],
                        "task_runs": [t for t in r.task_runs if keep(t)],
                    }
                    for r in runs
                ],
            }
        )
        return
    say = app_context.text
    language = app_context.language
    if not runs:
        typer.echo(
            say(
                "Chưa có kế hoạch nào được khởi động. Bắt đầu bằng: sxsh-flow start plan-2016-2020",
                "No plan has been started. Begin with: sxsh-flow start plan-2016-2020",
            )
        )
        return
    for run_status_ in runs:
        typer.echo(
            f"#{run_status_.id} {run_status_.plan_key} ({run_status_.plan_version}) · "
            + say("tỉnh ", "province ")
            + f"{run_status_.province} · {state_label(run_status_.state, language)}"
        )
        typer.echo(f"  {run_status_.plan_title}")
        rows = [t for t in run_status_.task_runs if keep(t)]
        counts: dict[str, int] = defaultdict(int)
        for row in rows:
            counts[state_label(row.state, language)] += 1
        summary = f" ({', '.join(f'{n} {label}' for label, n in counts.items())})" if counts else ""
        late = sum(1 for row in rows if row.overdue)
        typer.echo(
            say(
                f"  Ngày {vn_date(today)}: {len(rows)} nhiệm vụ{summary}; {late} quá hạn.",
                f"  On {vn_date(today)}: {len(rows)} task runs{summary}; {late} overdue.",
            )
        )
        for cycle_status in run_status_.cycles:
            in_cycle = [row for row in rows if row.cycle == cycle_status.label]
            if not in_cycle:
                continue
            typer.echo("")
            typer.echo(
                say(
                    f"  Chu kỳ {cycle_status.label} · {state_label(cycle_status.state, language)} · chốt số liệu "
                    f"{vn_date(cycle_status.cutoff_start)}–{vn_date(cycle_status.cutoff_end)} · mở "
                    f"{vn_date(cycle_status.opens_on)} · hạn {vn_date(cycle_status.due_on)} · tổng hợp "
                    f"{vn_date(cycle_status.closes_on)}",
                    f"  Cycle {cycle_status.label} · {state_label(cycle_status.state, language)} · cut-off "
                    f"{vn_date(cycle_status.cutoff_start)}–{vn_date(cycle_status.cutoff_end)} · opens "
                    f"{vn_date(cycle_status.opens_on)} · due {vn_date(cycle_status.due_on)} · closes "
                    f"{vn_date(cycle_status.closes_on)}",
                )
            )
            in_cycle.sort(key=lambda row: (row.agency_code, row.due_on, row.task_key))
            typer.echo(
                table(
                    [
                        say("Cơ quan", "Agency"),
                        say("Nhiệm vụ", "Task"),
                        say("Hạn nộp", "Due"),
                        say("Trạng thái", "State"),
                        say("Quá hạn", "Overdue"),
                    ],
                    [
                        [
                            shorten(f"{row.agency_code} {row.agency_name}", 48),
                            row.task_key,
                            vn_date(row.due_on),
                            state_label(row.state, language),
                            days_in_words(row.days_overdue, row.day_unit, app_context.language) if row.overdue else "",
                        ]
                        for row in in_cycle
                    ],
                    indent=4,
                )
            )
