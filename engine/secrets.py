"""The key that signs reply links: from SXSH_SECRET_KEY, or made once and kept in $SXSH_HOME.

A key that anyone could guess would let anyone forge a link, so short keys, keys of few distinct
characters ('x' forty times) and the placeholder values people copy from examples are refused, and
so is a key file other users of the machine can read.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sxsh_flow.engine.private_files import FILE_MODE, private_folder, readable_by_others
from sxsh_flow.errors import ConfigurationError
from sxsh_flow.words import N_

KEY_FILE = "secret.key"
MINIMUM_LENGTH = 32
# A generated key (token_urlsafe) has about 40 distinct characters out of 64; a hex key of 32
# characters has 13 to 16. Fewer than 10 means a pattern, not a random draw.
MINIMUM_DISTINCT_CHARACTERS = 10
_PLACEHOLDERS = {"changeme", "change-me", "secret", "dev", "development", "test", "your-secret-key"}
_MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def load_secret_key(environ_value: str | None, home: Path) -> str:
    if environ_value is not None:
        if _weak(environ_value):
            raise ConfigurationError(
                "SXSH_SECRET_KEY",
                "***",
                N_(
                    "the key must be random, at least {minimum} characters of at least {distinct} different "
                    "ones (e.g. {command})"
                ),
                minimum=MINIMUM_LENGTH,
                distinct=MINIMUM_DISTINCT_CHARACTERS,
                command=_MAKE_ONE,
            )
        return environ_value
    path = home / KEY_FILE
    if path.exists():
        return _read_key_file(path)
    private_folder(home)
    key = secrets.token_urlsafe(48)
    # Owner-only from the first byte: create with 0600 rather than chmod after writing.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key


def installation_id(secret_key: str) -> str:
    """A short id of this installation, mixed into Message-IDs and calendar UIDs.

    Derived from the key (one-way), so it is stable while the key is, and says nothing about it.
    """
    return hmac.new(secret_key.encode("utf-8"), b"sxsh-flow installation id", hashlib.sha256).hexdigest()[:12]


def _read_key_file(path: Path) -> str:
    if readable_by_others(path):
        raise ConfigurationError(
            "SXSH_HOME", str(path), N_("the key file can be read by other users; run: chmod 600 {path}"), path=path
        )
    key = path.read_text(encoding="utf-8").strip()
    if _weak(key):
        raise ConfigurationError(
            "SXSH_HOME",
            str(path),
            N_(
                "the key file is empty or its key is weak; delete {path} and a new key is made "
                "(links already sent stop working)"
            ),
            path=path,
        )
    return key


def _weak(key: str) -> bool:
    return (
        key.strip().lower() in _PLACEHOLDERS or len(key) < MINIMUM_LENGTH or len(set(key)) < MINIMUM_DISTINCT_CHARACTERS
    )
