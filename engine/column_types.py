"""Column types the store shares: instants in UTC, and state enums stored as their values.

Plain SQLAlchemy Core, no ORM: the models (``engine.models``) map columns of these types, and
readers that load no ORM (``engine.read_tables``, behind ``status``) read the same columns with them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum as PythonEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC; refuses naive datetimes, returns aware ones on every backend.

    SQLite has no time zones, so without this a value read back would be naive and compare
    wrongly with the aware instants the clock hands out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def state_type(enum: type[PythonEnum]) -> Enum:
    """The type of an aggregate's ``state`` column: the enum's values as text, read back as its members."""
    return Enum(enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
