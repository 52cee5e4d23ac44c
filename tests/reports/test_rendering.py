"""Rendering reports into files: one in the calling process, several side by side in forked-server workers."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any, ClassVar

import pytest

from sxsh_flow.reports import rendering
from sxsh_flow.reports.model import ConsolidatedReport
from sxsh_flow.reports.rendering import DOCX_TYPE, XLSX_TYPE, render_files, render_many


class CountedPool(ProcessPoolExecutor):
    """A process pool that says how it was made."""

    made: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, *, max_workers: int, mp_context: Any) -> None:
        CountedPool.made.append({"workers": max_workers, "start": mp_context.get_start_method()})
        super().__init__(max_workers=max_workers, mp_context=mp_context)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    CountedPool.made = []
    monkeypatch.setattr(rendering, "ProcessPoolExecutor", CountedPool)
    return CountedPool.made


def test_a_reports_files_are_its_word_and_excel_files(report: ConsolidatedReport) -> None:
    files = render_files(report)

    assert [(name, kind) for name, kind, _ in files] == [
        (f"{report.file_stem}.docx", DOCX_TYPE),
        (f"{report.file_stem}.xlsx", XLSX_TYPE),
    ]


def test_one_report_is_rendered_here_without_a_worker(
    report: ConsolidatedReport, pools: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendering.os, "cpu_count", lambda: 8)

    assert render_many(iter([report]), 1) == [render_files(report)]
    assert pools == []


def test_several_reports_are_rendered_by_one_worker_a_core_from_a_fork_server_in_their_order(
    report: ConsolidatedReport, pools: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    english = replace(report, language="en")
    monkeypatch.setattr(rendering.os, "cpu_count", lambda: 2)

    files = render_many(iter([report, english, report]), 3)

    # Not fork: the closing process holds database connections, maybe on one thread of several.
    assert pools == [{"workers": 2, "start": "forkserver"}]
    assert files == [render_files(report), render_files(english), render_files(report)]  # the same bytes


def test_no_more_workers_than_reports(
    report: ConsolidatedReport, pools: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendering.os, "cpu_count", lambda: 16)

    render_many(iter([report, report]), 2)

    assert pools == [{"workers": 2, "start": "forkserver"}]


def test_reports_are_rendered_here_when_no_worker_can_start(
    report: ConsolidatedReport, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class NoProcesses(ProcessPoolExecutor):
        def submit(self, *_args: Any, **_kwargs: Any) -> Any:
            raise OSError(11, "Resource temporarily unavailable")  # what fork says at a process limit

    monkeypatch.setattr(rendering, "ProcessPoolExecutor", NoProcesses)
    monkeypatch.setattr(rendering.os, "cpu_count", lambda: 2)
    english = replace(report, language="en")

    files = render_many(iter([report, english, report]), 3)

    assert files == [render_files(report), render_files(english), render_files(report)]
    assert "rendering 3 reports in this process" in caplog.text
