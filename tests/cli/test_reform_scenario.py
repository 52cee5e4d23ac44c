"""A 2021–2025 plan of Hải Dương crosses the 2025 reform, on SQLite and on PostgreSQL.

The plan starts in 2021 against the directory as it was then. In June 2025 the coordinator imports
the new directory: Sở KH&ĐT and Sở TN&MT merged on 01/03/2025, the 12 districts end on 30/06/2025
and their communes (Hải Phòng's, since Hải Dương merges into the city) take over. The import moves
what the ended agencies still owe, says so, and from then on nobody asks an agency that is gone.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from sxsh_flow.engine.db import Store
from sxsh_flow.engine.models import HistoryEntry
from tests.cli.conftest import Cli

PLAN_2021_2025 = """\
format: 1
key: plan-2021-2025
version: "2021.1"
title: Kế hoạch thử giai đoạn 2021 - 2025
province: HD
lead: SCT
period: {first_year: 2021, last_year: 2025}
effective_from: 2021-03-01
legal_basis:
  - {number: 889/QĐ-TTg, date: 2020-06-24, issuer: Thủ tướng Chính phủ}
tasks:
  - {key: sct-report, title: Báo cáo của Sở Công Thương, lead: SCT}
  - {key: invest, title: Thu hút đầu tư cho sản xuất bền vững, lead: SKHDT}
  - {key: environment, title: Lồng ghép vào kế hoạch bảo vệ môi trường, lead: STNMT}
  - {key: local, title: Triển khai tại địa phương, lead: "kind:district"}
"""


def builtin_file(name: str) -> Path:
    return Path(str(resources.files("sxsh_flow.agencies") / "directories" / name))


def directory_of_2021(tmp_path: Path) -> Path:
    """Hải Dương's directory as a coordinator had it in 2021: no agency has ended, none is new."""
    document = yaml.safe_load(builtin_file("hai-duong.yaml").read_text(encoding="utf-8"))
    for key in ("valid_to", "successor"):
        document["province"].pop(key, None)
    agencies = []
    for agency in document["agencies"]:
        if agency.get("valid_from") and agency["valid_from"] > date(2021, 3, 1):
            continue
        for key in ("valid_to", "successors"):
            agency.pop(key, None)
        agencies.append(agency)
    document["agencies"] = agencies
    path = tmp_path / "hai-duong-2021.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _on_each_database(sxsh_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)


@pytest.fixture
def reform(cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """The plan started on 01/03/2021; the new directories imported on 16/06/2025 (JSON of the import)."""
    plan = tmp_path / "plan-2021-2025.yaml"
    plan.write_text(PLAN_2021_2025, encoding="utf-8")
    assert cli("--now", "2021-03-01", "agencies", "import", str(directory_of_2021(tmp_path))).code == 0
    started = cli("--now", "2021-03-01", "start", "--plan-file", str(plan), "--no-send")
    assert started.code == 0, started.err
    new_directories = (str(builtin_file("hai-duong.yaml")), str(builtin_file("hai-phong.yaml")))
    result = cli("--now", "2025-06-16", "agencies", "import", *new_directories, "--json", "--no-send")
    assert result.code == 0, result.err
    document: dict[str, Any] = result.json()
    return document


def agencies_by_code(cli: Cli, province: str) -> dict[str, dict[str, Any]]:
    listing = cli("agencies", "list", "--json", "--province", province).json()
    return {a["code"]: a for a in listing["agencies"]}


def status_2025(cli: Cli) -> list[dict[str, Any]]:
    result = cli("--now", "2025-06-16", "status", "--json", "--cycle", "2025")
    assert result.code == 0, result.err
    rows: list[dict[str, Any]] = result.json()["runs"][0]["task_runs"]
    return rows


def test_no_open_or_scheduled_task_run_of_2025_belongs_to_an_agency_gone_by_its_deadline(
    cli: Cli, reform: dict[str, Any]
) -> None:
    known = {**agencies_by_code(cli, "HD"), **agencies_by_code(cli, "HP")}
    owed = [t for t in status_2025(cli) if t["state"] in ("open", "scheduled")]

    def gone_by(task_run: dict[str, Any]) -> bool:
        valid_to = known[task_run["agency_code"]]["valid_to"]
        return valid_to is not None and date.fromisoformat(valid_to) < date.fromisoformat(task_run["due_on"])

    gone = [t["agency_code"] for t in owed if gone_by(t)]
    assert owed
    assert gone == []


def test_every_commune_successor_of_a_district_holds_the_districts_task(cli: Cli, reform: dict[str, Any]) -> None:
    hai_duong = agencies_by_code(cli, "HD")
    districts = {code: a for code, a in hai_duong.items() if a["kind"] == "district"}
    successors = {s.removeprefix("HP:") for a in districts.values() for s in a["successors"]}
    holders = {t["agency_code"] for t in status_2025(cli) if t["task_key"] == "local" and t["state"] == "scheduled"}

    assert len(districts) == 12
    assert len(successors) >= 12
    assert successors <= holders
    assert not holders & set(districts)


def test_merged_departments_duties_pass_to_their_successors(cli: Cli, reform: dict[str, Any]) -> None:
    rows = status_2025(cli)
    holders = {t["task_key"]: t["agency_code"] for t in rows if t["state"] == "scheduled" and t["task_key"] != "local"}
    # 01/03/2025: SKHDT into Sở Tài chính, STNMT into Sở Nông nghiệp và Môi trường; 01/07/2025: all
    # of Hải Dương's departments into Hải Phòng's.
    assert holders == {"sct-report": "SCT", "invest": "STC", "environment": "SNNMT"}
    hai_phong = {t["agency_name"] for t in rows if t["state"] == "scheduled" and t["task_key"] != "local"}
    assert all("Hải Phòng" in name for name in hai_phong), hai_phong


def test_the_import_prints_each_move_from_which_agency_to_which_and_from_which_day(
    cli: Cli, reform: dict[str, Any]
) -> None:
    moves = [m for m in reform["moves"] if m["cycle_label"] == "2025"]
    pairs = {(m["from_code"], m["to_code"], m["since"]) for m in moves}

    # Sở KH&ĐT's last day was 28/02/2025; its 2025 duty lands with Sở Tài chính's successor in Hải Phòng.
    assert ("SKHDT", "STC", "2025-03-01") in pairs
    assert any(m["from_code"] == "UBND-KINHMON" and m["since"] == "2025-07-01" for m in moves)
    assert {m["change_id"] for m in reform["moves"]} == {reform["directory_change"]}


def test_the_history_names_the_directory_change_of_each_move(
    cli: Cli, reform: dict[str, Any], database_url: str
) -> None:
    change = reform["directory_change"]
    with Store(database_url) as store, store.session() as session:
        rows = session.scalars(select(HistoryEntry).where(HistoryEntry.transition == "hand_over")).all()
        reasons = [row.reason for row in rows]

    assert len(reasons) == len({m["old_task_run_id"] for m in reform["moves"]})
    assert all(f"directory change #{change}" in reason for reason in reasons)
    assert any("UBND-KINHMON ended on 2025-06-30" in reason for reason in reasons)


def test_remind_on_1_december_2025_asks_the_communes_and_no_abolished_agency(cli: Cli, reform: dict[str, Any]) -> None:
    gone = {c["email"] for a in agencies_by_code(cli, "HD").values() for c in a["contacts"]}
    communes = {
        c["email"] for a in agencies_by_code(cli, "HP").values() if a["kind"] == "commune" for c in a["contacts"]
    }

    result = cli("--now", "2025-12-01", "remind", "--dry-run", "--json")

    assert result.code == 0, result.err
    addressed = {email for m in result.json()["queued"] for email in m["to"]}
    assert addressed
    assert not addressed & gone
    assert len(addressed & communes) >= 12


def test_a_dry_run_import_prints_the_same_moves_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan-2021-2025.yaml"
    plan.write_text(PLAN_2021_2025, encoding="utf-8")
    assert cli("--now", "2021-03-01", "agencies", "import", str(directory_of_2021(tmp_path))).code == 0
    assert cli("--now", "2021-03-01", "start", "--plan-file", str(plan), "--no-send").code == 0
    files = (str(builtin_file("hai-duong.yaml")), str(builtin_file("hai-phong.yaml")))

    dry = cli("--now", "2025-06-16", "agencies", "import", *files, "--json", "--dry-run").json()
    assert cli("agencies", "list", "--json", "--province", "HP").json()["sample"] is True  # HP not stored
    assert all(t["state"] != "handed_over" for t in status_2025(cli))
    real = cli("--now", "2025-06-16", "agencies", "import", *files, "--json", "--no-send").json()

    def shape(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        return sorted((m["cycle_label"], m["task_key"], m["from_code"], m["to_code"]) for m in document["moves"])

    assert dry["dry_run"] is True
    assert shape(dry) == shape(real)
    assert shape(real)
    assert len(dry["letters"]) == len(real["letters"])


def test_successors_get_a_letter_and_the_coordinator_one_summary(cli: Cli, reform: dict[str, Any]) -> None:
    letters = reform["letters"]
    summaries = [letter for letter in letters if letter["kind"] == "succession"]
    handovers = {email for letter in letters if letter["kind"] == "handover" for email in letter["to"]}
    hai_phong = agencies_by_code(cli, "HP")
    successors = {m["to_code"] for m in reform["moves"]}

    assert len(summaries) == 1
    assert summaries[0]["to"] == ["sxsh@sct.haiduong.example"]  # Hải Dương's coordinator, on 16/06/2025
    focal = {
        c["email"]
        for code in successors
        for c in hai_phong.get(code, {"contacts": []})["contacts"]
        if c["role"] == "focal_point"
    }
    assert focal
    assert focal <= handovers


def test_reports_keep_the_name_of_their_time_tinh_hai_duong_then_thanh_pho_hai_phong(
    cli: Cli, reform: dict[str, Any]
) -> None:
    before = cli("--now", "2026-01-10", "report", "1", "--cycle", "2024", "--format", "html")
    after = cli("--now", "2026-01-10", "report", "1", "--cycle", "2025", "--format", "html")

    assert before.code == 0, before.err
    assert after.code == 0, after.err
    assert "UBND TỈNH HẢI DƯƠNG" in before.out
    assert "THÀNH PHỐ HẢI PHÒNG" not in before.out
    assert "UBND THÀNH PHỐ HẢI PHÒNG" in after.out
    assert "Hải Phòng, ngày" in after.out
