"""Engine, sessions and schema revision checks."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from schoolgql.settings import Settings

logger = logging.getLogger(__name__)


class Database:
    """One engine and its session factory, created and disposed in the app lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.effective_database_url
        self.engine = create_engine(settings)
        self.session_factory = async_sessionmaker(
            self.engine, expire_on_commit=False, autoflush=False
        )
        # Reads run each statement on its own, without BEGIN and ROLLBACK,
        # which saves two round trips per loader batch.
        self.read_session_factory = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            autoflush=False,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """Open a session for reads; it is closed, never committed, on exit."""
        async with self.session_factory() as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """Open a session for reads only, each statement in its own snapshot."""
        async with self.read_session_factory() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Open a session inside a transaction that commits on success."""
        async with self.session_factory() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.effective_database_url
    options: dict[str, Any] = {"echo": settings.database_echo}

    if url.startswith("sqlite"):
        if not settings.database_url:
            settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": 30}
    else:
        options.update(
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout=settings.database_pool_timeout_seconds,
            pool_pre_ping=False,
        )
        if url.startswith("postgresql+asyncpg"):
            options["connect_args"] = {
                "statement_cache_size": settings.database_statement_cache_size,
            }
            if settings.database_statement_cache_size == 0:
                # Behind a transaction-mode pooler, named prepared statements
                # break, so SQLAlchemy's own cache must be off too.
                options["connect_args"]["prepared_statement_cache_size"] = 0

    engine = create_async_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite leaves foreign keys off unless each connection turns them on.
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers proceed while a writer holds the lock.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
