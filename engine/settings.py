"""Settings, built once at the edge (CLI, web app, worker) from an environment mapping.

Tests pass a plain dict; nothing reads ``os.environ`` but the process entry points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sxsh_flow.engine.clock import parse_instant
from sxsh_flow.errors import ConfigurationError
from sxsh_flow.words import N_

LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    now: datetime | None
    language: str
    smtp_url: str | None = None  # SXSH_SMTP_URL; without it mail goes to .eml files in outbox_folder
    mail_from: str | None = None  # SXSH_MAIL_FROM; else the lead agency's focal point
    base_url: str = "http://127.0.0.1:8000"  # SXSH_BASE_URL: where reply links point
    secret_key_value: str | None = None  # SXSH_SECRET_KEY; else a key generated into SXSH_HOME
    clock_rate: float | None = None  # SXSH_CLOCK_RATE: with SXSH_NOW, a clock that runs this much faster

    def secret_key(self) -> str:
        from sxsh_flow.engine.secrets import load_secret_key

        return load_secret_key(self.secret_key_value, self.home)

    def installation_id(self) -> str:
        """Mixed into Message-IDs and calendar UIDs: stable here, different in every installation."""
        from sxsh_flow.engine.secrets import installation_id

        return installation_id(self.secret_key())

    @property
    def attachments_folder(self) -> Path:
        return self.home / "attachments"

    @property
    def outbox_folder(self) -> Path:
        return self.home / "outbox"

    @property
    def private_folders(self) -> tuple[Path, ...]:
        """What no other user of the machine may enter: SXSH_HOME, and its attachments and written emails."""
        return (self.home, self.attachments_folder, self.outbox_folder)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        home = Path(environ.get("SXSH_HOME") or _default_home(environ)).expanduser()
        database_url = environ.get("SXSH_DATABASE_URL") or f"sqlite:///{home / 'sxsh-flow.db'}"
        now_text = environ.get("SXSH_NOW")
        try:
            now = parse_instant(now_text) if now_text else None
        except ValueError as exc:
            raise ConfigurationError("SXSH_NOW", now_text or "", N_("give a date such as 2016-09-01")) from exc
        clock_rate = _clock_rate(environ.get("SXSH_CLOCK_RATE"))
        language = environ.get("SXSH_LANG", "vi")
        if language not in LANGUAGES:
            raise ConfigurationError("SXSH_LANG", language, N_("use vi or en"))
        return cls(
            home=home,
            database_url=database_url,
            now=now,
            language=language,
            smtp_url=environ.get("SXSH_SMTP_URL") or None,
            mail_from=environ.get("SXSH_MAIL_FROM") or None,
            base_url=_base_url(environ.get("SXSH_BASE_URL") or "http://127.0.0.1:8000"),
            secret_key_value=environ.get("SXSH_SECRET_KEY"),
            clock_rate=clock_rate,
        )


def _default_home(environ: Mapping[str, str]) -> Path:
    data_home = environ.get("XDG_DATA_HOME")
    base = Path(data_home) if data_home else Path(environ.get("HOME", "~")) / ".local" / "share"
    return base / "sxsh-flow"


def _clock_rate(value: str | None) -> float | None:
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 10_000_000:
        raise ConfigurationError(
            "SXSH_CLOCK_RATE", value, N_("give a positive number, e.g. 21600 (one day every 4 seconds)")
        )
    return rate


def _base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ConfigurationError("SXSH_BASE_URL", value, N_("give an http(s)://... address"))
    return value.rstrip("/")
