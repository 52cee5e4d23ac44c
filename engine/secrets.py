"""The key that signs reply links: from SXSH_SECRET_KEY, or made once and kept in $SXSH_HOME.

A key that anyone could guess would let anyone forge a link, so short keys and the placeholder
values people copy from examples are refused.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sxsh_flow.errors import ConfigurationError
from sxsh_flow.words import N_

KEY_FILE = "secret.key"
MINIMUM_LENGTH = 32
_PLACEHOLDERS = {"changeme", "change-me", "secret", "dev", "development", "test", "your-secret-key"}


def load_secret_key(environ_value: str | None, home: Path) -> str:
    if environ_value is not None:
        if environ_value.strip().lower() in _PLACEHOLDERS or len(environ_value) < MINIMUM_LENGTH:
            raise ConfigurationError(
                "SXSH_SECRET_KEY",
                "***",
                N_(
                    "the key must be random and at least {minimum} characters "
                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                ),
                minimum=MINIMUM_LENGTH,
            )
        return environ_value
    path = home / KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Owner-only from the first byte: create with 0600 rather than chmod after writing.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key
