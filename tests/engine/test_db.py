"""The store: migrations on first use, the schema revision constant, time zones on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

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
