"""The unit of work of a POST through a reply link: one at a time per link in this process, its rows held.

A POST reads the link's rows several times over (the link, then the engine's save, then the page
it answers with); the session forgets a row as soon as nothing refers to it, so each of those
reads would go to the database again. Held here for the length of the transaction, like
``Store.reading`` holds a GET's rows, each is read once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from sxsh_flow.engine.db import Store, hold_loaded_rows


class LinkLocks:
    """Serialises the POSTs of one link within this process.

    A double press sends two requests at once; without this both could read "no submission with
    this nonce yet" and submit twice (the engine does not lock the task run's row).
    """

    def __init__(self, stripes: int = 64) -> None:
        self._locks = [threading.Lock() for _ in range(stripes)]

    def of(self, link_id: int) -> threading.Lock:
        return self._locks[link_id % len(self._locks)]


@contextmanager
def link_work(store: Store, lock: threading.Lock) -> Iterator[Session]:
    """A unit of work under the link's lock, keeping every row it loads until it ends."""
    with lock, store.session() as session:
        hold_loaded_rows(session)
        yield session
