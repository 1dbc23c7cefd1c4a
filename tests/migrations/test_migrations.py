"""The migrations build exactly the schema the models declare."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from schoolgql import migrations
from schoolgql.models import Base


def schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    differences: list[Any] = compare_metadata(context, Base.metadata)
    return differences


async def test_migrations_match_models_on_postgresql(postgres_url: str) -> None:
    engine = create_async_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            revision = await migrations.current_revision(engine)
            differences = await connection.run_sync(schema_differences)
    finally:
        await engine.dispose()

    assert revision == migrations.head_revision()
    assert differences == []


def test_head_revision_constant_matches_scripts() -> None:
    # The server checks the schema against HEAD_REVISION without Alembic.
    assert migrations.head_revision() == migrations.HEAD_REVISION, (
        "Set HEAD_REVISION in schoolgql/migrations/__init__.py to the newest "
        "revision under schoolgql/migrations/versions/."
    )


async def test_empty_database_has_no_revision(empty_postgres_url: str) -> None:
    engine = create_async_engine(empty_postgres_url)
    try:
        revision = await migrations.current_revision(engine)
    finally:
        await engine.dispose()

    assert revision is None
