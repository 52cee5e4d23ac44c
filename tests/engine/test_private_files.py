"""Nothing under SXSH_HOME is for other users of the machine (issue 12, finding 8).

The database holds every email with working reply links, the attachments are the agencies'
reports: SXSH_HOME and the folders in it are 0700, the files 0600, whatever the umask.
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
