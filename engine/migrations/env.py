"""Alembic environment: runs on the connection ``engine.db.migrate`` hands it."""

from __future__ import annotations

from alembic import context

from sxsh_flow.engine.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("sxsh-flow migrations run through sxsh_flow.engine.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
