"""``simulate`` across the 2025 reform: a Hải Dương plan of 2024–2025 on the bundled directories.

The directories already know the reform (Hải Dương until 30/06/2025, Hải Phòng from 01/07/2025),
so the run is assigned per cycle from the start: 2024 to Hải Dương's districts, 2025 to the
communes of Hải Phòng that succeeded them. A district that never sent its 2024 report hands it to
its communes once it has ended. The whole plan-2021-2030 takes minutes (its figures are in the
README); this short plan shows the same crossing in under a minute, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli

PLAN = """\
format: 1
key: plan-reform-test
version: "2024.1"
title: Kế hoạch thử giai đoạn 2024 - 2025
province: HD
lead: SCT
period: {first_year: 2024, last_year: 2025}
effective_from: 2024-10-01
legal_basis:
  - {number: 889/QĐ-TTg, date: 2020-06-24, issuer: Thủ tướng Chính phủ}
tasks:
  - {key: local, title: Triển khai tại địa phương, lead: "kind:district"}
"""


pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _on_each_database(sxsh_home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SXSH_DATABASE_URL", database_url)


@pytest.fixture
def simulated(cli: Cli, tmp_path: Path) -> dict[str, Any]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    result = cli("simulate", "--plan-file", str(plan), "--seed", "7", "--until", "2026-01-20", "--json")
    assert result.code == 0, result.err
    summary: dict[str, Any] = result.json()
    return summary


def requests_by_year(outbox: Path) -> dict[int, set[str]]:
    """Who was asked to report, by the year the request went out."""
    asked: dict[int, set[str]] = {}
    for path in outbox.glob("*/*.eml"):
        if path.name.startswith("request."):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            to = message["To"]
            asked.setdefault(int(path.parent.name[:4]), set()).update(a.addr_spec for a in to.addresses)
    return asked


def test_2024_asks_hai_duongs_districts_and_2025_the_communes_of_hai_phong(
    simulated: dict[str, Any], sxsh_home: Path
) -> None:
    asked = requests_by_year(sxsh_home / "outbox")
    expected = {cycle["cycle"]: cycle["expected"] for cycle in simulated["cycles"]}
    answered = {cycle["cycle"]: cycle["on_time"] + cycle["late"] for cycle in simulated["cycles"]}

    assert asked[2024]
    assert all(address.endswith(".haiduong.example") for address in asked[2024])
    assert asked[2025]
    assert all(address.endswith(".haiphong.example") for address in asked[2025])
    assert expected["2025"] == 64  # the communes that succeeded the 12 districts
    # 2024: the 12 districts, less those that never reported, plus the communes that took theirs over.
    assert expected["2024"] >= 12
    assert answered["2025"] > 0
