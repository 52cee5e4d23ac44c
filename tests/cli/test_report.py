"""``sxsh-flow report``: the consolidated report written as HTML, Word or Excel, or its figures as JSON.

The run is ``tests/report_scenario``'s (2016 and 2017 of plan-2016-2020 in Hải Dương), written once
per database; the commands run on 05/01/2018.
"""

from __future__ import annotations

import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest

from sxsh_flow.engine.db import Store

from ..report_scenario import LATE_UNIT, MISSING_UNIT, PROVINCE_TOTAL, TOTAL_IN_WORDS, build_scenario
from .conftest import Cli

NOW = "2018-01-05"


@pytest.fixture(scope="module")
def scenario(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    with Store(module_database_url) as store:
        run_id = build_scenario(store, tmp_path_factory.mktemp("attachments"))
    return module_database_url, run_id


@pytest.fixture
def run_id(scenario: tuple[str, int], sxsh_home: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SXSH_DATABASE_URL", scenario[0])
    return scenario[1]


def test_the_figures_as_json_for_scripts(cli: Cli, run_id: int) -> None:
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "--json")

    assert result.code == 0, result.err
    document = result.json()
    informed = next(i for i in document["indicators"] if i["code"] == "informed")
    assert (informed["numerator"], informed["denominator"], informed["value"]) == (2164, 3000, 72.1)
    assert informed["attainment"] == "below"
    assert document["funding"]["total"]["total"] == PROVINCE_TOTAL
    assert document["funding"]["total_in_words"] == TOTAL_IN_WORDS
    assert [(u["agency"], u["days_late"]) for u in document["late_units"]] == [(MISSING_UNIT, None), (LATE_UNIT, 4)]
    assert (document["reports_expected"], document["reports_received"], document["file"]) == (25, 23, None)


def test_the_cumulative_figures_cover_every_cycle_up_to_the_one_asked(cli: Cli, run_id: int) -> None:
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "--cumulative", "--json")

    assert result.code == 0, result.err
    document = result.json()
    assert (document["scope"], document["cycles"]) == ("cumulative", ["2016", "2017"])
    quick = next(i for i in document["indicators"] if i["code"] == "quick_assessments")
    assert (quick["value"], quick["attainment"]) == (15, "met")


def test_an_html_file_is_written_and_the_coordinator_told_what_it_holds(cli: Cli, run_id: int, tmp_path: Path) -> None:
    target = tmp_path / "bao-cao-2017.html"

    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "-o", str(target))

    assert result.code == 0, result.err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "1.023.600.000" in page
    assert TOTAL_IN_WORDS in page
    assert "Hải Dương, ngày 05 tháng 01 năm 2018" in page
    assert f"vào {target}: 23/25 báo cáo được tổng hợp; tổng kinh phí 1.023.600.000 đồng." in result.out
    assert "1 báo cáo nộp chậm, 1 báo cáo chưa nộp (xem mục I.5 của báo cáo)." in result.out
    assert "cộng báo cáo của Sở Công Thương lên UBND tỉnh là 26 báo cáo, đã nhận 23 báo cáo." in result.out


def test_without_a_file_the_html_goes_to_standard_output(cli: Cli, run_id: int) -> None:
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017")

    assert result.code == 0, result.err
    assert result.out.startswith("<!doctype html>")
    assert result.out.rstrip().endswith("</html>")


def test_a_word_file_from_its_extension(cli: Cli, run_id: int, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "bao-cao-2017.docx"
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "-o", str(target))

    assert result.code == 0, result.err
    document = Document(str(target))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert "Hải Dương, ngày 05 tháng 01 năm 2018" in text
    assert TOTAL_IN_WORDS in text
    # The section the CLI points to ("xem mục I.5") is in the file: item 5 of part I.
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert headings[:6] == [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Kết quả thực hiện các chỉ tiêu của Kế hoạch",
        "2. Khối lượng công việc",
        "3. Kinh phí thực hiện",
        "4. Kết quả thực hiện nhiệm vụ của các đơn vị",
        "5. Tình hình nộp báo cáo của các đơn vị",
    ]


def test_an_excel_workbook_by_the_format_option_whatever_the_files_extension(
    cli: Cli, run_id: int, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "tables.bin"
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "--format", "xlsx", "-o", str(target))

    assert result.code == 0, result.err
    workbook = load_workbook(BytesIO(target.read_bytes()), read_only=True)  # openpyxl goes by the extension
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert PROVINCE_TOTAL in cells


def test_an_unknown_run_is_one_line_in_vietnamese(cli: Cli, run_id: int) -> None:
    result = cli("--now", NOW, "report", str(run_id + 99), "--cycle", "2017", "--json")

    assert result.code == 2
    assert result.err == f"sxsh-flow: Không có lượt thực hiện kế hoạch '{run_id + 99}'. Xem: sxsh-flow status\n"
    assert result.out == ""


def test_an_unknown_cycle_names_the_cycles_there_are(cli: Cli, run_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_LANG", "en")
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2015", "--json")

    assert result.code == 2
    assert result.err.startswith(f"sxsh-flow: Run {run_id} has no reporting cycle '2015'. Its cycles: 2016, 2017,")
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("options", "named"),
    [(("--format", "pdf"), "'pdf'"), (("-o", "bao-cao.pdf"), "'.pdf'"), (("-o", "bao-cao"), "'bao-cao'")],
)
def test_an_unknown_format_is_refused_before_anything_is_read(
    cli: Cli, run_id: int, tmp_path: Path, options: tuple[str, ...], named: str
) -> None:
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", *options)

    assert result.code == 2
    assert result.err.startswith(f"sxsh-flow: Không xuất được báo cáo dạng {named}. Chọn một trong: html, docx, xlsx")
    assert not list(tmp_path.glob("bao-cao*"))


def test_a_word_report_needs_a_file(cli: Cli, run_id: int) -> None:
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "--format", "docx")

    assert result.code == 2
    assert "-o" in result.err
    assert "Traceback" not in result.err


def test_a_folder_that_does_not_exist_is_a_clear_error(cli: Cli, run_id: int, tmp_path: Path) -> None:
    result = cli("--now", NOW, "report", str(run_id), "--cycle", "2017", "-o", str(tmp_path / "no" / "r.html"))

    assert result.code == 78
    assert result.err.startswith("sxsh-flow: Cấu hình -o=")
    assert "không ghi được tệp" in result.err


@pytest.mark.parametrize("argv", [["--help"], ["report", "--help"], ["report", "1", "--cycle", "2017", "-f", "pdf"]])
def test_ordinary_commands_load_no_renderer(tmp_path: Path, argv: list[str]) -> None:
    script = (
        "import sys\n"
        "from sxsh_flow.cli.main import execute\n"
        f"execute({argv!r})\n"
        "print(sorted(m for m in ('matplotlib', 'docx', 'openpyxl') if m in sys.modules))\n"
    )
    environment = {"SXSH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.stdout.splitlines()[-1] == "[]", result.stderr
