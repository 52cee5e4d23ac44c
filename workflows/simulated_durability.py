"""The simulation's own durability: commits and .eml files that do not wait for the disk.

A simulated plan commits some twenty thousand small transactions and writes hundreds of emails in
a minute of real time; waiting for the disk at each (an fsync, milliseconds) was most of its wall
time. What a power cut may cost a simulation is its last simulated days, which running it again
gives back, so while it runs:

- its store's connections commit without a sync: SQLite ``synchronous=NORMAL`` (in WAL mode a
  commit appends to the log and syncs only at checkpoints: the database is never corrupted, the
  last transactions may be lost), PostgreSQL ``synchronous_commit=off`` (the same promise);
- its .eml files are written and renamed into place, not flushed one by one.

Only the simulation's own connections and transports are relaxed, and only while it runs: the
portal, ``serve`` and every other process keep their full durability on the same database, and the
store is handed back with its connections closed, so the next ones are opened as configured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from sxsh_flow.engine.db import Store
from sxsh_flow.notifications.eml_folder import EmlFolderTransport
from sxsh_flow.notifications.transports import Transport

# Per connection, the setting that stops a commit from waiting for the disk.
_NO_SYNC_ON_COMMIT = {
    "sqlite": "PRAGMA synchronous=NORMAL",
    "postgresql": "SET synchronous_commit TO OFF",
}


@contextmanager
def commits_without_sync(store: Store) -> Iterator[None]:
    """While the block runs, ``store``'s connections commit without syncing (see the module's text)."""
    statement = _NO_SYNC_ON_COMMIT.get(store.engine.dialect.name)
    if statement is None:
        yield
        return

    def relax(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL: a SET inside a transaction rolled back would be undone

    event.listen(store.engine, "connect", relax)
    store.engine.dispose()  # the pooled connections were opened before: the next ones are relaxed
    try:
        yield
    finally:
        event.remove(store.engine, "connect", relax)
        store.engine.dispose()


def writes_without_sync(transport_factory: Callable[[], Transport]) -> Callable[[], Transport]:
    """``transport_factory``, whose .eml folders write without flushing each file (SMTP is unchanged)."""

    def make() -> Transport:
        transport = transport_factory()
        if isinstance(transport, EmlFolderTransport):
            transport.durable = False
        return transport

    return make
