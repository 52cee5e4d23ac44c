"""What every command builds at the edge: opening the store closes what an older version left open."""

from __future__ import annotations

import stat
from pathlib import Path

from .conftest import Cli

SAID = "nay chỉ người sở hữu mới mở được"


def test_a_home_other_users_could_read_is_made_private_and_said_once(cli: Cli, sxsh_home: Path) -> None:
    sxsh_home.chmod(0o755)  # as `mkdir` leaves it under the usual umask

    first = cli("--now", "2016-09-01", "start", "plan-2016-2020", "--no-send")

    assert first.code == 0, first.err
    assert stat.S_IMODE(sxsh_home.stat().st_mode) == 0o700
    assert f"{sxsh_home} đã để người dùng khác trên máy này đọc được; {SAID}." in first.err.splitlines()
    again = cli("--now", "2016-09-01", "outbox", "list")
    assert again.code == 0
    assert SAID not in again.err  # a private home needs no word
