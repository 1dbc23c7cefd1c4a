"""Fixtures shared by every test: databases, the app over real HTTP, clients.

Each test gets its own PostgreSQL database, cloned from a template that the
migrations built once per run, so tests can commit and race real
transactions without seeing each other. The URL of the server comes from
SCHOOLGQL_TEST_DATABASE_URL; tests fail, never skip, when it is unreachable.
"""

import asyncio
import logging
import os
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from starlette.applications import Starlette

from schoolgql import migrations
from schoolgql.app import create_app
from schoolgql.database import Database
from schoolgql.requests import RequestIdFilter
from schoolgql.settings import Settings
from tests.auth import create_admin, headers_for

SERVER_URL = os.environ.get(
    "SCHOOLGQL_TEST_DATABASE_URL",
    "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
)
TEMPLATE_NAME = f"schoolgql_template_{os.getpid()}"


async def _admin_execute(*statements: str) -> None:
    engine = create_async_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _database_url(name: str) -> str:
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
async def template_database() -> AsyncIterator[str]:
    """A database migrated to the head revision, cloned by every test."""
    await _admin_execute(
        f'DROP DATABASE IF EXISTS "{TEMPLATE_NAME}"',
        f'CREATE DATABASE "{TEMPLATE_NAME}"',
    )
    engine = create_async_engine(_database_url(TEMPLATE_NAME))
    try:
        await migrations.upgrade(engine)
    finally:
        await engine.dispose()
    yield TEMPLATE_NAME
    await _admin_execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_NAME}"')


@asynccontextmanager
async def cloned_database(template_database: str) -> AsyncIterator[str]:
    """Create a database from the template and drop it when the block exits."""
    name = f"schoolgql_test_{uuid.uuid4().hex[:12]}"
    await _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    try:
        yield _database_url(name)
    finally:
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_url(template_database: str) -> AsyncIterator[str]:
    async with cloned_database(template_database) as url:
        yield url


@pytest.fixture
async def empty_postgres_url() -> AsyncIterator[str]:
    """A new database with no tables, as before `schoolgql migrate`."""
    name = f"schoolgql_empty_{uuid.uuid4().hex[:12]}"
    await _admin_execute(f'CREATE DATABASE "{name}"')
    yield _database_url(name)
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'school.sqlite3'}"


@pytest.fixture(params=["postgresql", "sqlite"])
async def any_database_url(
    request: pytest.FixtureRequest, template_database: str, sqlite_url: str
) -> AsyncIterator[str]:
    """Runs a test once on PostgreSQL and once on a migrated SQLite file."""
    # The PostgreSQL clone is made here rather than through `postgres_url`,
    # because an async fixture cannot request another one by name.
    if request.param == "sqlite":
        engine = create_async_engine(sqlite_url)
        await migrations.upgrade(engine)
        await engine.dispose()
        yield sqlite_url
    else:
        async with cloned_database(template_database) as url:
            yield url


def make_settings(database_url: str, **overrides: Any) -> Settings:
    # bcrypt's lowest cost keeps each hash near a millisecond. Mail tasks go
    # to an in-process broker that nothing consumes, unless a test starts a
    # worker and overrides it.
    values: dict[str, Any] = {
        "bcrypt_cost": 4,
        "celery_broker_url": "memory://",
    } | overrides
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        **values,
    )


@pytest.fixture
def settings(postgres_url: str) -> Settings:
    return make_settings(postgres_url)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    """A second engine on the test database, for arranging and checking rows."""
    database = Database(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session whose changes tests commit themselves, so the server sees them."""
    async with database.session() as session:
        yield session


class LiveServer:
    """The app served by uvicorn on 127.0.0.1, reached over real HTTP."""

    def __init__(self, app: Starlette, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"

    @property
    def database(self) -> Database:
        database: Database = self.app.state.database
        return database

    def count_statements(self) -> "StatementCounter":
        return StatementCounter(self.database)


class StatementCounter:
    """Records the SQL statements the server's engine runs while active."""

    def __init__(self, database: Database) -> None:
        self.statements: list[str] = []
        self.parameters: list[Any] = []
        self._engine = database.engine.sync_engine

    def _record(self, *args: Any) -> None:
        # before_cursor_execute: (connection, cursor, statement, parameters, ...)
        self.statements.append(args[2])
        self.parameters.append(args[3])

    def __enter__(self) -> "StatementCounter":
        event.listen(self._engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc_info: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)

    def row_bounds(self) -> list[int]:
        """Return every LIMIT and window-position bound the statements used.

        Bounds are read whether they were sent as literals, as asyncpg's
        `$n` parameters or as SQLite's `?` parameters.
        """
        bounds = []
        for statement, parameters in zip(self.statements, self.parameters, strict=True):
            for match in _ROW_BOUND.finditer(statement):
                bounds.append(_bound_value(statement, parameters, match))
        return bounds


# `LIMIT n` of a flat page, `position <= n` of a page per parent.
_ROW_BOUND = re.compile(
    r"(?:\bLIMIT|\bposition <=)\s+(?:(?P<literal>\d+)|\$(?P<number>\d+)|(?P<qmark>\?))"
)


def _bound_value(statement: str, parameters: Any, match: re.Match[str]) -> int:
    if match["literal"] is not None:
        return int(match["literal"])
    if match["number"] is not None:
        return int(parameters[int(match["number"]) - 1])
    # A `?` parameter's index is the number of `?` before it.
    return int(parameters[statement.count("?", 0, match.start("qmark"))])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def serve(
    settings: Settings, *, lifespan: str = "on"
) -> AsyncIterator[LiveServer]:
    """Run the app under uvicorn in this event loop until the block exits.

    `lifespan="off"` skips start-up checks, for a server whose database is
    meant to be unreachable. The lifespan runs here rather than in uvicorn,
    so a failed start-up raises its own exception in the test that caused
    it; uvicorn would raise SystemExit, which breaks every later test.
    """
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    async with AsyncExitStack() as stack:
        if lifespan == "on":
            await stack.enter_async_context(app.router.lifespan_context(app))
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        try:
            yield LiveServer(app, port)
        finally:
            server.should_exit = True
            await task


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(settings) as live_server:
        yield live_server


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture
async def any_server(any_database_url: str) -> AsyncIterator[LiveServer]:
    """A live server on PostgreSQL, then on SQLite."""
    async with serve(make_settings(any_database_url)) as live_server:
        yield live_server


@pytest.fixture
async def any_client(any_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=any_server.url, timeout=30) as client:
        yield client


@pytest.fixture
async def any_session(any_server: LiveServer) -> AsyncIterator[AsyncSession]:
    """A session on the database of `any_server`, for arranging rows."""
    async with any_server.database.session() as session:
        yield session


@pytest.fixture
async def admin_headers(
    session: AsyncSession, client: httpx.AsyncClient
) -> dict[str, str]:
    """Auth headers of a logged-in administrator, whom every read rule admits."""
    admin = await create_admin(session)
    await session.commit()
    return await headers_for(client, admin)


@pytest.fixture
async def any_admin_headers(
    any_session: AsyncSession, any_client: httpx.AsyncClient
) -> dict[str, str]:
    """`admin_headers` for `any_server`."""
    admin = await create_admin(any_session)
    await any_session.commit()
    return await headers_for(any_client, admin)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Captured log records at INFO and above, each with its `request_id`."""
    caplog.set_level(logging.INFO)
    request_ids = RequestIdFilter()
    caplog.handler.addFilter(request_ids)
    yield caplog
    caplog.handler.removeFilter(request_ids)


@pytest.fixture(autouse=True)
def _no_stray_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep a developer's SCHOOLGQL_* variables out of the tests' settings."""
    for name in list(os.environ):
        if name.startswith("SCHOOLGQL_") and name != "SCHOOLGQL_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    yield
