"""What every command needs, built once at the edge: settings, the clock, the store, the language."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime

from sxsh_flow.engine.clock import Clock, FixedClock, SystemClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.errors import ConfigurationError
from sxsh_flow.engine.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    clock: Clock
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def build(cls, now_option: str | None) -> AppContext:
        settings = Settings.from_env(os.environ)
        if now_option:
            try:
                clock: Clock = FixedClock(parse_instant(now_option))
            except ValueError as exc:
                raise ConfigurationError("--now", now_option, "cần một ngày như 2016-09-01", str(exc)) from exc
        elif settings.now is not None:
            clock = FixedClock(settings.now)
        else:
            clock = SystemClock()
        return cls(settings=settings, clock=clock)

    @property
    def language(self) -> str:
        return self.settings.language

    def text(self, vietnamese: str, english: str) -> str:
        return english if self.language == "en" else vietnamese

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.database_url)
        return self._store

    @property
    def actor(self) -> str:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return f"coordinator:{user}"

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
