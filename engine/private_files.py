"""Files and folders only their owner can read: the store, the key, attachments, written emails.

The database holds every email with working reply links, and the attachments are the agencies'
reports: nothing under SXSH_HOME is for other users of the machine. Modes are set when a file or
folder is created (never chmod after writing, which leaves a window), whatever the umask. What an
older version left open (a 0755 home, a 0644 database) is tightened when the store is opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Make ``path`` and each missing parent owner-only (``mkdir -p`` would give the parents 0755)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # another process made it at the same moment
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is masked by the umask; 0700 must stay 0700
    return path


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and owner-only unless it exists; True when it was created here."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & 0o077)


def tighten(paths: Iterable[Path]) -> list[Path]:
    """Take group and other access off each of ``paths`` that is ours and open; return those changed.

    Owner bits stay as they are (0755 becomes 0700, 0644 becomes 0600; nothing is loosened). A path
    that is missing, already private, or someone else's is left as it is: another user's file is not
    ours to change, and a private one needs no word.
    """
    changed = []
    for path in paths:
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        if info.st_uid != os.getuid() or not info.st_mode & 0o077:
            continue
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)
        changed.append(path)
    return changed
