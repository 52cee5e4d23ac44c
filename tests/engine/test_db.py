"""The store: migrations on first use, the schema revision, time zones on every backend, readers beside writers."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from sxsh_flow.engine.db import SCHEMA_REVISION, Store, current_revision, head_revision, normalize_url
from sxsh_flow.engine.models import HistoryEntry
from sxsh_flow.errors import StoreUnavailable


def test_the_schema_revision_constant_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_REVISION


def test_a_new_database_is_migrated_on_first_use(database_url: str) -> None:
    with Store(database_url) as store:
        assert current_revision(store.engine) == SCHEMA_REVISION


def test_opening_a_migrated_database_again_changes_nothing(database_url: str) -> None:
    Store(database_url).close()
    with Store(database_url) as store:
        assert current_revision(store.engine) == SCHEMA_REVISION


def test_instants_come_back_aware_and_equal(store: Store) -> None:
    instant = datetime(2016, 9, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with store.session() as session:
        session.add(HistoryEntry(entity="x", entity_id=1, transition="t", to_state="s", actor="a", at=instant))
    with store.session() as session:
        stored = session.scalar(select(HistoryEntry.at))
    assert stored == instant
    assert stored is not None
    assert stored.tzinfo is not None


def test_naive_instants_are_refused_and_nothing_is_written(store: Store) -> None:
    # A naive datetime has no zone: stored as if UTC it would shift every deadline by seven hours.
    with pytest.raises(StatementError) as refused, store.session() as session:
        session.add(
            HistoryEntry(entity="x", entity_id=1, transition="t", to_state="s", actor="a", at=datetime(2016, 9, 1))
        )

    assert isinstance(refused.value.orig, ValueError)
    assert str(refused.value.orig) == "naive datetime given to a UTCDateTime column"
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(HistoryEntry)) == 0


def test_postgresql_urls_use_the_psycopg_driver() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


def test_a_malformed_url_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="not a database URL"):
        normalize_url("not a url")


def test_an_unreachable_server_is_a_clear_error() -> None:
    # Port 9 (discard) on loopback: nothing listens there.
    with pytest.raises(StoreUnavailable, match="Cannot open the database"):
        Store("postgresql://nobody@127.0.0.1:9/none")


def _history(actor: str) -> HistoryEntry:
    instant = datetime(2016, 9, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    return HistoryEntry(entity="x", entity_id=1, transition="t", to_state="s", actor=actor, at=instant)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(HistoryEntry)) or 0


def test_a_reading_unit_of_work_keeps_nothing(store: Store) -> None:
    with store.reading() as session:
        session.add(_history("a reader that should not write"))
        session.flush()

    with store.session() as session:
        assert _count(session) == 0


def test_a_reader_does_not_wait_for_a_writer_of_the_same_process(store: Store) -> None:
    # The portal's GETs run beside its POSTs: a page must open while a report is being saved.
    with store.session() as session:
        session.add(_history("committed before"))
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with store.session() as session:
            session.add(_history("not committed yet"))
            session.flush()
            writing.set()
            done.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        with ThreadPoolExecutor(max_workers=1) as pool:
            seen = pool.submit(lambda: _read_count(store)).result(timeout=5)
    finally:
        done.set()
        thread.join()

    assert seen == 1  # the last commit, not the writer's work in progress


def _read_count(store: Store) -> int:
    with store.reading() as session:
        return _count(session)


def test_on_sqlite_a_reading_unit_of_work_sees_one_snapshot(tmp_path: Path) -> None:
    # pysqlite would run each SELECT on its own; the reading block's queries must agree with each other.
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        with store.reading() as session:
            before = _count(session)
            with store.session() as other:
                other.add(_history("committed in between"))
            again = _count(session)
        with store.reading() as session:
            after = _count(session)

    assert (before, again, after) == (0, 0, 1)


def test_sqlite_runs_in_wal_mode_with_full_sync_and_waits_for_other_writers(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store, store.engine.connect() as connection:
        pragmas = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in PRAGMAS}

    # synchronous 2 is FULL: a commit is on disk before the portal shows its receipt, power cut or not.
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "busy_timeout": 30000, "foreign_keys": 1}


PRAGMAS = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")


def test_a_reading_unit_of_work_reads_a_row_once_even_after_the_caller_dropped_it(store: Store) -> None:
    # Services load a row, keep only its values, and ask for it again (the link's task run, then the form's).
    with store.session() as session:
        session.add(_history("asked for twice"))
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    with store.reading() as session:
        first_id = session.scalars(select(HistoryEntry.id)).one()
        assert session.get(HistoryEntry, first_id) is not None
        gc.collect()
        counted = len(statements)
        again = session.get(HistoryEntry, first_id)
        actor = again.actor if again is not None else None

    assert actor == "asked for twice"
    assert len(statements) == counted  # the second get asked the database nothing
