"""The terminal speaks the coordinator's language: ``status``, ``submissions list``, ``extensions
list`` and ``plans show`` in Vietnamese by default, with no English word left; English under
SXSH_LANG=en; and ``status`` fits the terminal's width.

The run is ``tests/report_scenario``'s (2016 and 2017 of plan-2016-2020 in Hải Dương, reports
submitted, accepted and returned), with the 2016 cycle closed on 27/12/2016 and Ninh Giang asking
for more time for 2017.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from sxsh_flow.agencies.directory import ContactRole
from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import ContactRecord
from sxsh_flow.engine.services.cycles import close_due
from sxsh_flow.engine.services.extensions import request_extension
from sxsh_flow.engine.services.links import issue_link, resolve
from sxsh_flow.workflows import load_builtin_plan

from ..report_scenario import MAILING, MISSING_UNIT, SIGNER, _task_run, build_scenario
from .conftest import Cli
from .english_words import english_words

NOW = "2018-01-05"
PLAN = load_builtin_plan("plan-2016-2020").spec
# The codes the plan defines: printed as they are in every language (the column says "Mã").
PLAN_CODES = {task.key for task in PLAN.tasks} | {indicator.code for indicator in PLAN.indicators}


@pytest.fixture(scope="module")
def scenario(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    with Store(module_database_url) as store:
        run_id = build_scenario(store, tmp_path_factory.mktemp("attachments"))
        with store.session() as session:
            close_due(session, now=parse_instant("2016-12-27"), mailing=MAILING, actor="t")
        _ask_for_more_time(store, MISSING_UNIT)
    return module_database_url, run_id


def _ask_for_more_time(store: Store, agency: str) -> None:
    now = parse_instant("2017-12-15")
    with store.session() as session:
        task_run = _task_run(session, "2017", agency, "district-implementation")
        contact = session.scalars(
            select(ContactRecord).where(
                ContactRecord.agency_id == task_run.agency_id, ContactRecord.role == ContactRole.FOCAL_POINT.value
            )
        ).first()
        assert contact is not None
        access = resolve(
            session, SIGNER, SIGNER.token(issue_link(session, task_run, contact, now=now, actor="t")), now=now
        )
        assert access is not None
        request_extension(session, access, reason="Chờ số liệu của các xã.", proposed_until=date(2018, 1, 10), now=now)


@pytest.fixture
def run_id(scenario: tuple[str, int], sxsh_home: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SXSH_DATABASE_URL", scenario[0])
    monkeypatch.setenv("COLUMNS", "100")
    return scenario[1]


def output(cli: Cli, *args: str) -> str:
    result = cli("--now", NOW, *args)
    assert result.code == 0, result.err
    assert result.out.strip()
    return result.out


COMMANDS = {
    "status": ("status", "1"),
    "submissions list": ("submissions", "list"),
    "extensions list": ("extensions", "list"),
    "plans show": ("plans", "show", "plan-2016-2020"),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_in_vietnamese_no_english_word_is_left(cli: Cli, run_id: int, command: tuple[str, ...]) -> None:
    assert english_words(output(cli, *command), PLAN_CODES) == []


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_under_sxsh_lang_en_the_same_output_is_english(
    cli: Cli, run_id: int, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    vietnamese = output(cli, *command)
    monkeypatch.setenv("SXSH_LANG", "en")
    english = output(cli, *command)

    assert english != vietnamese
    assert len(english_words(english, PLAN_CODES)) > 3


def test_the_states_are_words_of_the_language_and_json_keeps_the_codes(
    cli: Cli, run_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    vietnamese = output(cli, "submissions", "list")
    assert "đã tiếp nhận" in vietnamese
    assert "đã trả lại" in vietnamese
    assert "đã gửi" in vietnamese
    assert "chờ phê duyệt" in output(cli, "extensions", "list")
    monkeypatch.setenv("SXSH_LANG", "en")
    assert "accepted" in output(cli, "submissions", "list")
    states = {row["state"] for row in cli("submissions", "list", "--json").json()["submissions"]}
    assert states == {"submitted", "accepted", "returned"}


@pytest.mark.parametrize("columns", [80, 60])
def test_status_fits_the_terminal_width(cli: Cli, run_id: int, columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = output(cli, "status", "1").splitlines()

    assert max(len(line) for line in lines) <= columns
    assert len(lines) > 60  # the whole run, wrapped: nothing was dropped to fit


def test_status_shows_task_titles_not_their_keys(cli: Cli, run_id: int) -> None:
    text = output(cli, "status", "1", "--cycle", "2017")
    assert "Lồng ghép nhiệm vụ SXSH" in text  # stnmt-environment-integration's title
    assert not PLAN_CODES & set(text.split())


def test_a_report_never_received_in_a_closed_cycle_stops_counting_at_the_close(cli: Cli, run_id: int) -> None:
    """2016 closed on 26/12/2016, three working days after the deadline of 21/12: a year later the
    missing units are "not received", three working days late at the close, not 260."""
    text = output(cli, "status", "1", "--cycle", "2016", "--agency", "UBND-BINHGIANG")
    row = next(line for line in text.splitlines() if line.startswith("    • "))
    assert "không nhận được" in row
    assert "3 ngày làm việc" in row
    document = cli("--now", NOW, "status", "1", "--json", "--cycle", "2016").json()
    missing = [t for t in document["runs"][0]["task_runs"] if t["agency_code"] == "UBND-BINHGIANG"]
    assert [(t["days_overdue"], t["counting_stopped"]) for t in missing] == [(3, True)]


def test_an_agency_without_tasks_is_told_so_and_an_unknown_one_is_an_error(cli: Cli, run_id: int) -> None:
    result = cli("--now", NOW, "status", "1", "--agency", "TTKC")
    assert result.code == 0, result.err
    assert "TTKC" in result.out
    assert "không có nhiệm vụ nào" in " ".join(result.out.split())

    unknown = cli("--now", NOW, "status", "1", "--agency", "XYZ")
    assert unknown.code == 2
    assert "Không có cơ quan mã 'XYZ'" in unknown.err


def test_the_word_check_finds_english() -> None:
    """The check above can fail: English states, headings and glue words are found, Vietnamese
    written with or without marks, codes, dates and addresses are not."""
    text = "Task submitted · SCT Sở Công Thương · Thanh Hà · Kinh Môn · 2017-H1 · 21/12/2016 · the due date"
    assert english_words(text) == ["Task", "submitted", "the", "due", "date"]
    assert english_words("UBND-KINHMON ghi.chu@sct.hd.example --state sxsh-flow outbox list --state failed") == []
    assert english_words("open pending approved denied queued sent accepted") == [
        "open",
        "pending",
        "approved",
        "denied",
        "queued",
        "sent",
        "accepted",
    ]
