"""The store: an engine per process, sessions per unit of work, migrations applied on first use.

The process that runs the code (CLI, web app, scheduler, Prefect worker) opens a ``Store`` and
closes it; domain services receive a ``Session`` and never create an engine themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, OperationalError

from sxsh_flow.engine.private_files import create_private_file, private_folder, tighten
from sxsh_flow.errors import StoreUnavailable

if TYPE_CHECKING:  # the ORM is loaded with the first session: a reader of rows as columns (status) never loads it
    from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

# The newest migration's revision. Knowing it without loading alembic keeps every command's start
# fast when the schema is current; tests check it against alembic's own view of the head.
SCHEMA_REVISION = "0009"


def normalize_url(url: str) -> URL:
    """Accept the URLs people write (postgresql://) and pick the driver we ship (psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailable(url, "not a database URL (sqlite:///path or postgresql://host/db)") from exc
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def build_engine(url: str) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # Every email with working reply links is in there: owner-only, like SXSH_HOME itself.
            # SQLite gives its -wal and -shm files the database file's mode.
            database = Path(parsed.database).expanduser()
            private_folder(database.parent)
            create_private_file(database)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def database_files(url: str) -> list[Path]:
    """The files of a SQLite store: the database and the journals beside it (none for a server)."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return []
    database = Path(parsed.database).expanduser()
    return [database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets the web app read while a sweep writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # A writer from another process (a second portal worker, the scheduler, a command) is waited for.
    cursor.execute("PRAGMA busy_timeout=30000")
    # FULL, not NORMAL: in WAL mode NORMAL survives a crash of the application but may lose the last
    # commits when the machine loses power, and a receipt the portal showed must still be true then.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def hold_loaded_rows(session: Session) -> None:
    """Keep every row ``session`` loads for as long as it lives.

    A session forgets a row once nothing refers to it, and services often load one, drop it and ask
    for it again (the link's task run, then the form's): held, it is read once.
    """
    held = session.info.setdefault("held", [])
    event.listen(session, "loaded_as_persistent", lambda _session, instance: held.append(instance))


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; cheap when it already is there."""
    try:
        if current_revision(engine) == SCHEMA_REVISION:
            return
    except OperationalError as exc:
        raise StoreUnavailable(engine.url.render_as_string(hide_password=True), _reason(exc)) from exc
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str | None:
    """Alembic's own view of the newest revision (loads alembic: for tests and tools)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _reason(exc: OperationalError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


class Store:
    """An engine, migrated, with a session factory; close it when the process is done.

    Opening it makes the SQLite files and ``private_folders`` (SXSH_HOME and the folders of written
    emails and attachments) owner-only if an older version left them open; ``tightened`` lists what
    changed. The folders are enough: a file in a 0700 folder is out of other users' reach, so
    thousands of old .eml files are not walked at every start.
    """

    def __init__(self, url: str, *, migrate_schema: bool = True, private_folders: Sequence[Path] = ()) -> None:
        self.url = url
        self.engine = build_engine(url)
        # Before the first connection: SQLite gives a new -wal or -shm file the database's mode.
        self.tightened = tighten([*private_folders, *database_files(url)])
        if migrate_schema:
            migrate(self.engine)
        self._session_factory: sessionmaker[Session] | None = None
        # SQLite has one writer at a time, and its busy handler sleeps in coarse steps: threads of
        # one process (the portal's request threads) queue here instead, which keeps tails short.
        # Only units of work that may write take it; ``reading`` does not.
        self._serial = threading.RLock() if self.engine.dialect.name == "sqlite" else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with self._serialised(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads: it waits for no writer and holds none up; nothing it does is kept.

        For pages that show what is stored (the portal's GETs). It skips the lock ``session`` takes,
        so reads are not queued behind the writers of this process. On SQLite it opens its own
        transaction: in WAL mode that is one snapshot of the last commit for every query of the
        block, taken without the writer's lock. It ends with a rollback, on every backend.
        """
        with self._sessions() as session:
            hold_loaded_rows(session)
            if self._serial is not None:
                # pysqlite begins a transaction only before a write: without this, each SELECT would
                # see its own moment, and a report committed in between could show half-saved.
                session.connection().exec_driver_sql("BEGIN")
            try:
                yield session
            finally:
                session.rollback()

    def _sessions(self) -> Session:
        # Made on first use (two threads may both make one: they are alike, and the last is kept).
        if self._session_factory is None:
            from sqlalchemy.orm import sessionmaker

            self._session_factory = sessionmaker(self.engine, expire_on_commit=False)
        return self._session_factory()

    @contextmanager
    def _serialised(self) -> Iterator[None]:
        if self._serial is None:
            yield
            return
        with self._serial:
            yield

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
