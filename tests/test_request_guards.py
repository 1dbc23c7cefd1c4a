"""Guards at the HTTP edge: body size, and serving beyond loopback."""

import os
import subprocess
import sys

import httpx
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from schoolgql import migrations
from schoolgql.models import User
from tests.conftest import make_settings, serve
from tests.factories import create_student


async def test_large_declared_body_gets_413(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_request_body_bytes=2048)
    body = b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * 4096 + b'"}}'

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )

    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "message": "The request body is larger than 2048 bytes.",
                "extensions": {"code": "PAYLOAD_TOO_LARGE"},
            }
        ]
    }


async def test_large_streamed_body_gets_413(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_request_body_bytes=2048)

    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(8):
            yield b"a" * 1024
        yield b'"}}'

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_small_body_still_served(postgres_url: str) -> None:
    settings = make_settings(postgres_url, max_request_body_bytes=2048)

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        response = await client.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10"])
def test_serve_refuses_public_key_beyond_loopback(host: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    environment["SCHOOLGQL_SQLITE_PATH"] = str(tmp_path / "school.sqlite3")

    completed = subprocess.run(
        [sys.executable, "-m", "schoolgql.cli", "serve", "--host", host, "--port", "9"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 2
    assert (
        f"refusing to listen on {host} with the public development JWT signing key"
        in completed.stderr
    )
    assert not (tmp_path / "school.sqlite3").exists()


async def test_sqlite_never_reuses_user_ids(sqlite_url: str) -> None:

    engine = create_async_engine(sqlite_url)
    await migrations.upgrade(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        first = await create_student(session)
        await session.commit()
        await session.execute(delete(User).where(User.id == first.id))
        await session.commit()
        second = await create_student(session)
        await session.commit()
        remaining = (await session.scalars(select(User.id))).all()
    await engine.dispose()

    assert second.id > first.id
    assert remaining == [second.id]
