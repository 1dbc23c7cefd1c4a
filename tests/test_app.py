"""Health and readiness routes, and the start-up schema check."""

import socket
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from schoolgql import migrations
from schoolgql.app import create_app
from schoolgql.migrations import DatabaseNotMigratedError
from tests.conftest import LiveServer, _admin_execute, make_settings, serve


async def test_healthz_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_ok_with_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_readyz_unavailable_without_database() -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/school"
    # Start-up would stop at the schema check, so the lifespan is skipped.
    async with (
        serve(make_settings(url), lifespan="off") as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        readiness = await client.get("/readyz")
        health = await client.get("/healthz")

    assert readiness.status_code == 503
    assert readiness.json() == {"status": "unavailable"}
    assert health.status_code == 200


async def test_readyz_unavailable_after_database_dropped(
    server: LiveServer, client: httpx.AsyncClient, postgres_url: str
) -> None:
    name = make_url(postgres_url).database
    await _admin_execute(f'DROP DATABASE "{name}" WITH (FORCE)')

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def test_startup_rejects_empty_postgresql(empty_postgres_url: str) -> None:
    app = create_app(make_settings(empty_postgres_url))

    with pytest.raises(DatabaseNotMigratedError) as raised:
        async with app.router.lifespan_context(app):
            pass

    assert str(raised.value) == (
        "The database schema is at revision an empty database, but this version "
        f"of schoolgql needs revision {migrations.head_revision()}. Run "
        "`schoolgql migrate` to upgrade it, then start the server again."
    )
    assert "Run `schoolgql migrate`" in str(raised.value)
    # The failed start-up closed the engine's connections.
    assert app.state.database.engine.pool.checkedin() == 0


async def test_startup_migrates_embedded_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = make_settings("", sqlite_path=tmp_path / "school.sqlite3")
    assert settings.uses_embedded_database

    async with serve(settings) as server:
        revision = await migrations.current_revision(server.database.engine)

    assert revision == migrations.head_revision()
    assert (tmp_path / "school.sqlite3").exists()
