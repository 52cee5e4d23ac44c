"""INSERT … ON CONFLICT DO NOTHING statements that SQLAlchemy can cache (``transitions.create_new``).

This leans on SQLAlchemy internals (``_traverse_internals``, ``_post_values_clause``), pinned by
tests/engine/services/test_new_rows.py: the cache key exists, the SQL still says ON CONFLICT … DO
NOTHING, and another target gives another key. If an upgrade breaks them, that test says so.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.visitors import InternalTraversal


# SQLAlchemy 2.0's ON CONFLICT clauses have no cache key, so every statement that holds one was
# compiled again at each execution (half a millisecond; thousands of times in a simulation). These
# subclasses say what the clause is made of (its target's column names), which is all the
# compiler reads of it, so the statement is compiled once per model and cached like any other.
class _SqliteDoNothing(sqlite.dml.OnConflictDoNothing):
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy declares it a list)
        ("inferred_target_elements", InternalTraversal.dp_string_list),
        ("inferred_target_whereclause", InternalTraversal.dp_clauseelement),
    ]


class _SqliteInsert(sqlite.Insert):
    inherit_cache = True  # Insert's own traversal, which includes its ON CONFLICT clause


class _PostgresqlDoNothing(postgresql.dml.OnConflictDoNothing):
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy declares it a list)
        ("constraint_target", InternalTraversal.dp_string),
        ("inferred_target_elements", InternalTraversal.dp_string_list),
        ("inferred_target_whereclause", InternalTraversal.dp_clauseelement),
    ]


class _PostgresqlInsert(postgresql.Insert):
    inherit_cache = True


@lru_cache(maxsize=64)
def insert_new(dialect: str, model: type[Any], unique: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (``unique``) DO NOTHING RETURNING id and ``unique``: a statement with a cache key."""
    columns = [getattr(model, name) for name in unique]
    if dialect == "postgresql":
        statement: Any = _PostgresqlInsert(model).returning(model.id, *columns)
        statement._post_values_clause = _PostgresqlDoNothing(index_elements=list(unique))
    else:
        statement = _SqliteInsert(model).returning(model.id, *columns)
        statement._post_values_clause = _SqliteDoNothing(index_elements=list(unique))
    return statement
