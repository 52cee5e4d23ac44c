"""The declarative base, the naming convention migrations rely on, and the state column (its type and
UTCDateTime are in ``engine.column_types``, which readers without the ORM share)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, mapped_column

from sxsh_flow.engine.column_types import UTCDateTime as UTCDateTime  # the models' own name for it
from sxsh_flow.engine.column_types import state_type

# Named constraints make migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def state_column(enum: type[Any]) -> Any:
    """The ``state`` column of an aggregate, mapped as ``_state``: only ``services.transitions`` writes it."""
    return mapped_column("state", state_type(enum), index=True)
