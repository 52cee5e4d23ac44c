"""The tables ``status`` reads without the ORM are the models' tables: same names, same column types."""

from __future__ import annotations

import pytest
from sqlalchemy import Table

from sxsh_flow.engine.models import Base
from sxsh_flow.engine.read_tables import TABLES


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_each_column_is_the_models_column(table: Table) -> None:
    model = Base.metadata.tables[table.name]
    for column in table.c:
        assert column.name in model.c, f"{table.name}.{column.name} is no column of the model"
        assert repr(column.type) == repr(model.c[column.name].type), f"{table.name}.{column.name}"
        assert getattr(column.type, "enum_class", None) is getattr(model.c[column.name].type, "enum_class", None)
        assert column.primary_key == model.c[column.name].primary_key
