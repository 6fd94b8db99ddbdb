"""The migrations build exactly the schema the models declare, on both backends (no drift either way)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.models import Base


def test_a_migrated_database_has_the_models_schema(uow):
    with uow.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
