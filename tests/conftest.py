"""Shared fixtures: a fixed clock, a real database per test (SQLite file; PostgreSQL when reachable).

PostgreSQL is used when one answers at SXSH_TEST_DATABASE_URL or on 127.0.0.1:5432 (trust auth):
each test gets a database of its own, dropped afterwards. Otherwise those cases are skipped, with
the reason, and the SQLite ones still run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from sxsh_flow.engine.clock import FixedClock, parse_instant
from sxsh_flow.engine.db import Store

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_admin_url() -> str:
    return os.environ.get("SXSH_TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def _postgres_unreachable_reason() -> str | None:
    import psycopg

    from sxsh_flow.engine.db import normalize_url

    url = normalize_url(_postgres_admin_url())
    try:
        with psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database or "postgres",
            connect_timeout=3,
        ):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {url.render_as_string(hide_password=True)}: {exc}".strip()


_POSTGRES_SKIP: str | bool | None = False  # False = not checked yet


def postgres_skip_reason() -> str | None:
    global _POSTGRES_SKIP
    if _POSTGRES_SKIP is False:
        _POSTGRES_SKIP = _postgres_unreachable_reason()
    return _POSTGRES_SKIP  # type: ignore[return-value]


@pytest.fixture
def clock() -> FixedClock:
    """01/09/2016, 08:00 in Vietnam: the day the 2016–2020 plan takes effect."""
    return FixedClock(parse_instant("2016-09-01"))


@pytest.fixture
def now(clock: FixedClock) -> datetime:
    return clock.now()


def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file in ``folder``, or a new PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'sxsh-flow.db'}"
        return
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    yield from _fresh_postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test."""
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database shared by the tests of one module (for long scenarios)."""
    yield from fresh_database(request.param, tmp_path_factory.mktemp("database"))


def _fresh_postgres_database() -> Iterator[str]:
    import psycopg

    from sxsh_flow.engine.db import normalize_url

    admin = normalize_url(_postgres_admin_url())
    name = f"sxsh_test_{uuid.uuid4().hex[:12]}"
    connect = dict(
        host=admin.host,
        port=admin.port or 5432,
        user=admin.username,
        password=admin.password,
        dbname=admin.database or "postgres",
        autocommit=True,
    )
    with psycopg.connect(**connect) as connection:  # type: ignore[arg-type]
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**connect) as connection:  # type: ignore[arg-type]
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store(database_url) as opened:
        yield opened
