"""Nothing under SXSH_HOME is for other users of the machine (issue 12, finding 8).

The database holds every email with working reply links, the attachments are the agencies'
reports: SXSH_HOME and the folders in it are 0700, the files 0600, whatever the umask. A home an
older version left open (0755 folders, a 0644 database) is closed when the store is opened.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sxsh_flow.engine.attachments import CheckedFile, store_file
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.message import Envelope
from sxsh_flow.engine.private_files import tighten
from sxsh_flow.notifications.eml_folder import EmlFolderTransport


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual umask (022), which made the database 0644 and the folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_sqlite_store_and_its_home_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "share" / "sxsh-flow"
    store = Store(f"sqlite:///{home / 'sxsh-flow.db'}")
    try:
        with store.session() as session:
            session.execute(text("SELECT 1"))
    finally:
        store.close()

    assert mode(home) == 0o700
    assert mode(tmp_path / "share") == 0o700
    assert mode(home / "sxsh-flow.db") == 0o600
    for journal in home.glob("sxsh-flow.db-*"):  # WAL and shared memory
        assert mode(journal) == 0o600, journal


def test_a_stored_attachment_and_its_folders_are_owner_only(tmp_path: Path) -> None:
    data = b"%PDF-1.4 report"
    digest = hashlib.sha256(data).hexdigest()
    folder = tmp_path / "home" / "attachments"

    path = store_file(folder, CheckedFile("bao-cao.pdf", "application/pdf", len(data), digest, data))

    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(folder) == 0o700


def test_a_written_eml_file_and_its_folders_are_owner_only(tmp_path: Path) -> None:
    raw = (
        b"From: a@x.example\r\nTo: b@x.example\r\nMessage-ID: <m.1@x.example>\r\n"
        b"Date: Mon, 21 Nov 2016 08:00:00 +0700\r\n\r\nbody\r\n"
    )
    folder = tmp_path / "home" / "outbox"

    asyncio.run(EmlFolderTransport(folder).send_raw(Envelope("a@x.example", ("b@x.example",), raw)))

    [written] = list(folder.rglob("*.eml"))
    assert mode(written) == 0o600
    assert mode(written.parent) == 0o700
    assert mode(folder) == 0o700


# --- what an older version left open is closed when the store is opened ----------------------------


def opened(home: Path) -> list[Path]:
    """Open (and close) the store of ``home`` as every command does; what was tightened."""
    store = Store(
        f"sqlite:///{home / 'sxsh-flow.db'}",
        private_folders=(home, home / "attachments", home / "outbox"),
    )
    try:
        with store.session() as session:
            session.execute(text("SELECT 1"))
        return store.tightened
    finally:
        store.close()


@pytest.fixture
def old_home(tmp_path: Path) -> Path:
    """A home as versions before issue 12 left it: folders 0755, the database and its files 0644."""
    home = tmp_path / "sxsh-flow"
    opened(home)
    home.chmod(0o755)
    (home / "sxsh-flow.db").chmod(0o644)
    for suffix in ("-wal", "-shm", "-journal"):
        (home / f"sxsh-flow.db{suffix}").touch(mode=0o644)  # empty: SQLite reads them as no journal
    for name, file in (("outbox", "2016-12-01/reminder.eml"), ("attachments", "1/bao-cao.pdf")):
        path = home / name / file
        path.parent.mkdir(parents=True, mode=0o755)
        (home / name).chmod(0o755)
        path.write_bytes(b"old")
        path.chmod(0o644)
    return home


def test_opening_the_store_makes_an_old_home_and_database_owner_only(old_home: Path) -> None:
    tightened = opened(old_home)

    assert mode(old_home) == 0o700
    assert mode(old_home / "sxsh-flow.db") == 0o600
    for journal in old_home.glob("sxsh-flow.db-*"):
        assert mode(journal) == 0o600, journal
    # The folders themselves are enough: nobody else can reach what is inside a 0700 folder, so the
    # thousands of old files are not walked at every start.
    assert mode(old_home / "outbox") == 0o700
    assert mode(old_home / "attachments") == 0o700
    assert mode(old_home / "outbox" / "2016-12-01" / "reminder.eml") == 0o644
    database = old_home / "sxsh-flow.db"
    journals = [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
    assert sorted(tightened) == sorted([old_home, database, *journals, old_home / "outbox", old_home / "attachments"])


def test_a_private_home_is_left_as_it_is_and_nothing_is_said(old_home: Path) -> None:
    opened(old_home)

    assert opened(old_home) == []
    assert opened(old_home.parent / "new-home") == []  # made private: nothing to tighten


def test_tightening_takes_only_what_others_had_and_gives_nothing(tmp_path: Path) -> None:
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    missing = tmp_path / "missing"

    assert tighten([read_only, missing]) == [read_only]
    assert mode(read_only) == 0o500  # not 0700: tightening never grants the owner anything


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give a folder to another user")
def test_a_folder_owned_by_another_user_is_not_ours_to_change(old_home: Path) -> None:
    shared = old_home / "outbox"
    os.chown(shared, 65534, 65534)  # nobody

    tightened = opened(old_home)

    assert shared not in tightened
    assert mode(shared) == 0o755
