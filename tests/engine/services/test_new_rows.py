"""New rows are inserted by a statement SQLAlchemy compiles once per model and caches."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from sxsh_flow.engine.models import OutboxMessage
from sxsh_flow.engine.services.new_rows import insert_new

DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_the_insert_of_new_rows_has_a_cache_key_so_it_is_compiled_once(dialect: str) -> None:
    statement = insert_new(dialect, OutboxMessage, ("dedup_key",))
    key = statement._generate_cache_key()

    assert key is not None
    assert "ON CONFLICT (dedup_key) DO NOTHING" in str(statement.compile(dialect=DIALECTS[dialect]))
    # Another target is another statement: never the same cached compilation.
    assert insert_new(dialect, OutboxMessage, ("id",))._generate_cache_key() != key
