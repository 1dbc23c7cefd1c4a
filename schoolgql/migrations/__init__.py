"""Alembic migrations, run from code against the app's own engine."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent


class DatabaseNotMigratedError(RuntimeError):
    def __init__(self, current: str | None, head: str | None) -> None:
        found = current or "an empty database"
        super().__init__(
            f"The database schema is at revision {found}, but this version of "
            f"schoolgql needs revision {head}. Run `schoolgql migrate` to "
            "upgrade it, then start the server again."
        )


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the schema to `revision` in one transaction."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def check_up_to_date(engine: AsyncEngine) -> None:
    """Raise DatabaseNotMigratedError unless the schema is at the head revision."""
    current = await current_revision(engine)
    head = head_revision()
    if current != head:
        raise DatabaseNotMigratedError(current, head)
