"""A consolidated report's files (.docx, .xlsx), and many reports' files at once, in worker processes.

Rendering is pure and costs seconds of CPU a report (the Word file's tables and charts above all),
while building the report from the database costs a fraction of that: a closing day's 34 reports
are built one after the other in the job's session and rendered side by side, one worker process
per core. One report is rendered in the calling process: a worker would cost more than it saves.

The workers come from a fork server, not from ``fork``: the process that closes the cycles holds
database connections and may run the job on one thread among others (the scheduler of ``sxsh-flow
serve``); a child forked from it would inherit the connections' sockets and any lock another
thread held. The fork server is a fresh interpreter of its own, started once per process, that
imports the renderers once (``PRELOAD``); each worker is a fork of it, and starts without
importing matplotlib, python-docx and openpyxl again, as a spawned worker would.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sxsh_flow.reports.model import ConsolidatedReport

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the fork server imports before it forks a worker: the renderers and what they import, and the
# program's main module (as multiprocessing does by default), which each worker would import otherwise.
PRELOAD = ["__main__", "sxsh_flow.reports.docx", "sxsh_flow.reports.xlsx"]

ReportFile = tuple[str, str, bytes]  # (file name, MIME type, content)
_log = logging.getLogger(__name__)


def render_files(report: ConsolidatedReport) -> list[ReportFile]:
    """The Word and Excel files of ``report``, each as (file name, MIME type, content)."""
    from sxsh_flow.reports.docx import render_docx
    from sxsh_flow.reports.xlsx import render_xlsx

    return [
        (f"{report.file_stem}.docx", DOCX_TYPE, render_docx(report)),
        (f"{report.file_stem}.xlsx", XLSX_TYPE, render_xlsx(report)),
    ]


def render_many(reports: Iterable[ConsolidatedReport], count: int) -> list[list[ReportFile]]:
    """The files of ``count`` reports, in their order; each is handed to a worker as soon as it is built.

    ``reports`` may be a generator that builds each report from the database: the workers render the
    first reports while the next ones are built.
    """
    workers = min(os.cpu_count() or 1, count)
    if workers <= 1:
        return [render_files(report) for report in reports]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    built: list[ConsolidatedReport] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            rendering: list[Future[list[ReportFile]]] = []
            for report in reports:
                built.append(report)
                rendering.append(pool.submit(render_files, report))
            return [future.result() for future in rendering]
    except (BrokenProcessPool, OSError) as failure:
        # No worker could start (a process limit), or one died (out of memory, killed, or a program
        # whose main module runs its work on import, which every worker imports): the cycles must
        # still close, so what is left is rendered here, slower.
        _log.warning("report workers failed (%s); rendering %d reports in this process", failure, count)
        built.extend(reports)  # those the generator had not built yet
        return [render_files(report) for report in built]
