"""What every command needs, built once at the edge: settings, the clock, the store, the language."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from sxsh_flow.engine.clock import AcceleratedClock, Clock, FixedClock, SystemClock, parse_instant
from sxsh_flow.engine.db import Store
from sxsh_flow.engine.settings import Settings
from sxsh_flow.errors import ConfigurationError
from sxsh_flow.words import N_, Words, words

if TYPE_CHECKING:
    from sxsh_flow.engine.services.links import LinkSigner
    from sxsh_flow.engine.services.notices import Mailing
    from sxsh_flow.notifications.transports import Transport


@dataclass
class AppContext:
    settings: Settings
    clock: Clock
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def build(cls, now_option: str | None) -> AppContext:
        settings = Settings.from_env(os.environ)
        start = settings.now
        if now_option:
            try:
                start = parse_instant(now_option)
            except ValueError as exc:
                raise ConfigurationError("--now", now_option, N_("give a date such as 2016-09-01")) from exc
        clock: Clock
        if start is None:
            clock = SystemClock()
        elif settings.clock_rate:
            clock = AcceleratedClock(start, settings.clock_rate)
        else:
            clock = FixedClock(start)
        return cls(settings=settings, clock=clock)

    @property
    def language(self) -> str:
        return self.settings.language

    @property
    def words(self) -> Words:
        """The words and formats of the coordinator's language (SXSH_LANG): what every command prints."""
        return words(self.language)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.database_url, private_folders=self.settings.private_folders)
            for path in self._store.tightened:
                # Once, when an older version's open modes are closed; an already private home says nothing.
                typer.echo(
                    self.words.gettext(
                        "{path} could be read by other users of this machine; it is now private to its owner.",
                        path=path,
                    ),
                    err=True,
                )
        return self._store

    def transport(self) -> Transport:
        """SMTP when SXSH_SMTP_URL is set, else a folder of .eml files under SXSH_HOME."""
        from sxsh_flow.notifications.transports import transport_for

        return transport_for(self.settings.smtp_url, self.settings.outbox_folder)

    @property
    def mailing(self) -> Mailing:
        """How emails are written: language, sender, and the signer that puts reply links in them."""
        from sxsh_flow.engine.services.notices import Mailing
        from sxsh_flow.notifications import EMAIL_WRITER

        return Mailing(
            writer=EMAIL_WRITER,
            language=self.language,
            sender_email=self.settings.mail_from,
            signer=self.signer,
            installation=self.settings.installation_id(),
        )

    @property
    def signer(self) -> LinkSigner:
        from sxsh_flow.engine.services.links import LinkSigner

        return LinkSigner(self.settings.secret_key(), self.settings.base_url)

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
