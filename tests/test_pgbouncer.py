"""The server behind PgBouncer in transaction mode, as deployments often run it.

In transaction mode PgBouncer hands each transaction whichever server
connection is free, so a statement that asyncpg prepared and cached on one
connection is missing on the next. SCHOOLGQL_DATABASE_STATEMENT_CACHE_SIZE=0
turns both caches off. These tests start pgbouncer on 127.0.0.1; it must be
installed (Debian: `apt-get install pgbouncer`).
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from schoolgql.database import Database
from tests.conftest import _free_port, make_settings, serve
from tests.factories import create_course
from tests.graphql_client import execute

PGBOUNCER_START_SECONDS = 20.0
# Fewer server connections than concurrent clients, so transactions of one
# client land on different server connections.
SERVER_POOL_SIZE = 3
CLIENTS = 10
ROUNDS = 20


@pytest.fixture
def pgbouncer_url(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    """Start pgbouncer in transaction mode in front of the test database."""
    # Debian installs it in /usr/sbin, which a non-root PATH may leave out.
    executable = shutil.which("pgbouncer") or shutil.which(
        "pgbouncer", path="/usr/sbin"
    )
    assert executable is not None, "pgbouncer is not installed"
    server = make_url(postgres_url)
    port = _free_port()

    config = tmp_path / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"* = host={server.host} port={server.port or 5432} user={server.username}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = any\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {SERVER_POOL_SIZE}\n"
        "max_client_conn = 100\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )

    command = [executable, str(config)]
    if os.geteuid() == 0:
        # pgbouncer will not run as root, so it reads the file, then switches.
        command[1:1] = ["-u", "postgres"]

    log_path = tmp_path / "pgbouncer.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log_path)
        yield server.set(port=port).render_as_string(hide_password=False)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def _wait_for_port(port: int, process: "subprocess.Popen[bytes]", log: Path) -> None:
    deadline = time.monotonic() + PGBOUNCER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"pgbouncer exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.1)
        else:
            return
    raise AssertionError(f"pgbouncer did not listen:\n{log.read_text()}")


async def _run_transactions(database: Database) -> list[str]:
    """Run transactions from many clients at once and return their errors."""
    errors: list[str] = []

    async def client(number: int) -> None:
        for round_number in range(ROUNDS):
            try:
                async with database.transaction() as session:
                    await session.execute(
                        text("SELECT CAST(:number AS integer) + 1"),
                        {"number": number},
                    )
                    await session.execute(
                        text("SELECT count(*) FROM courses WHERE credits > :credits"),
                        {"credits": round_number},
                    )
            except Exception as error:
                errors.append(str(error).splitlines()[0])

    await asyncio.gather(*(client(number) for number in range(CLIENTS)))
    return errors


async def test_no_statement_cache_works_behind_pgbouncer(pgbouncer_url: str) -> None:
    settings = make_settings(pgbouncer_url, database_statement_cache_size=0)
    database = Database(settings)
    try:
        errors = await _run_transactions(database)
    finally:
        await database.dispose()

    assert errors == []


# NOTE: PgBouncer 1.18 does not track prepared statements. A version that
# does, when configured to, would let this cached run succeed.
async def test_statement_cache_fails_behind_pgbouncer(pgbouncer_url: str) -> None:
    settings = make_settings(pgbouncer_url, database_statement_cache_size=100)
    database = Database(settings)
    try:
        errors = await _run_transactions(database)
    finally:
        await database.dispose()

    assert errors, "expected asyncpg's cached statements to break"
    assert all("prepared statement" in error for error in errors), errors[:3]


async def test_api_serves_queries_behind_pgbouncer(
    pgbouncer_url: str, postgres_url: str
) -> None:
    direct = Database(make_settings(postgres_url))
    async with direct.transaction() as session:
        for number in range(5):
            await create_course(session, code=f"PGB-{number}")
    await direct.dispose()
    settings = make_settings(pgbouncer_url, database_statement_cache_size=0)
    query = '{ course(code: "PGB-3") { code } }'

    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
    ):
        responses = await asyncio.gather(
            *(execute(client, query) for _ in range(CLIENTS * 3))
        )

    for response in responses:
        assert response.status == 200
        assert response.errors == []
        assert response.data == {"course": {"code": "PGB-3"}}
