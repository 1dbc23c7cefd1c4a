"""compose.yaml and Containerfile: their schema, and their commands run here.

No container engine runs in CI, so the commands that the image and compose
would run are started here as plain processes on 127.0.0.1, against the
test database, the local Redis and an SMTP server of the test.
"""

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from sqlalchemy.engine import make_url

from tests.conftest import SERVER_URL, _admin_execute, _free_port
from tests.mail.conftest import SmtpServer, running_smtp_server

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "compose.yaml"
CONTAINERFILE = ROOT / "Containerfile"
BIN = Path(sys.executable).parent
START_SECONDS = 120.0
LONG_RUNNING = {"app", "worker", "postgres", "redis", "mailpit"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def _instructions() -> dict[str, list[str]]:
    """Return the Containerfile's instructions by keyword, continuations joined."""
    text = re.sub(r"\\\n\s*", " ", CONTAINERFILE.read_text())
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.setdefault(keyword.upper(), []).append(rest.strip())
    return found


def _interpolate(value: str, environment: dict[str, str]) -> str:
    """Expand `${NAME:-default}`, `${NAME}` and `$$` as Compose does."""

    def replace(match: re.Match[str]) -> str:
        if match[0] == "$$":
            return "$"
        return environment.get(match["name"]) or match["default"] or ""

    pattern = r"\$\$|\$\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\}"
    return re.sub(pattern, replace, value)


def test_compose_file_matches_compose_spec() -> None:
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_starts_app_after_migrate() -> None:
    services = _compose()["services"]

    assert set(services) == LONG_RUNNING | {"migrate"}
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["migrate"]["command"] == ["schoolgql", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"] == {
        "condition": "service_healthy"
    }


def test_compose_services_have_health_checks() -> None:
    services = _compose()["services"]

    for name in LONG_RUNNING - {"app"}:
        assert services[name]["healthcheck"]["test"], name
    # The app uses the image's HEALTHCHECK, which the start-commands test runs.
    assert "healthcheck" not in services["app"]
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_compose_keeps_data_in_named_volumes() -> None:
    compose = _compose()

    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "mailpit-data"}
    services = compose["services"]
    assert services["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert services["redis"]["volumes"] == ["redis-data:/data"]
    assert services["mailpit"]["volumes"] == ["mailpit-data:/data"]
    for name in ("app", "worker", "migrate"):
        assert services[name]["env_file"] == [{"path": ".env", "required": False}]


def test_containerfile_runs_as_non_root() -> None:
    instructions = _instructions()

    assert len(instructions["FROM"]) == 2
    assert instructions["FROM"][0].endswith(" AS build")
    assert instructions["FROM"][1].endswith(" AS runtime")
    assert instructions["USER"] == ["schoolgql"]
    assert any(
        "uv sync --locked --no-dev --no-editable" in run for run in instructions["RUN"]
    )
    assert instructions["COPY"][-1] == "--from=build /app/.venv /app/.venv"
    assert len(instructions["HEALTHCHECK"]) == 1
    assert "WEB_CONCURRENCY=2" in instructions["ENV"][-1]


def _exec_form(instruction: str) -> list[str]:
    """Return the JSON array that ends a CMD or HEALTHCHECK instruction."""
    import json

    start = instruction.index("[")
    command: list[str] = json.loads(instruction[start:])
    return command


@contextmanager
def _started(
    command: list[str], environment: dict[str, str], log_path: Path
) -> Iterator["subprocess.Popen[bytes]"]:
    """Start `command`, and stop it by its PID when the block exits."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env=environment,
            cwd=log_path.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until(
    check: Callable[[], bool],
    process: "subprocess.Popen[bytes]",
    log_path: Path,
    what: str,
) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not check():
        if process.poll() is not None:
            raise AssertionError(f"{what} exited:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not start:\n{log_path.read_text()}")
        time.sleep(0.2)


def _succeeds(command: list[str], environment: dict[str, str]) -> bool:
    result = subprocess.run(
        command, env=environment, capture_output=True, timeout=30, check=False
    )
    return result.returncode == 0


@pytest.fixture
async def empty_database_url() -> AsyncIterator[str]:
    """A database with no tables, as a fresh PostgreSQL volume has."""
    name = f"schoolgql_container_{uuid.uuid4().hex[:12]}"
    await _admin_execute(f'CREATE DATABASE "{name}"')
    url = make_url(SERVER_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(
    database_url: str, smtp_server: SmtpServer, port: int, queue: str
) -> dict[str, str]:
    """Return what compose would pass, pointed at services on 127.0.0.1."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    return environment | {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
        # Docker sets HOSTNAME in a container; the worker's name uses it.
        "HOSTNAME": socket.gethostname(),
        "SCHOOLGQL_ENVIRONMENT": "test",
        "SCHOOLGQL_DATABASE_URL": database_url,
        "SCHOOLGQL_REDIS_URL": "redis://127.0.0.1:6379/0",
        "SCHOOLGQL_REDIS_KEY_PREFIX": f"{queue}:",
        "SCHOOLGQL_CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
        "SCHOOLGQL_CELERY_QUEUE": queue,
        "SCHOOLGQL_SMTP_HOST": smtp_server.host,
        "SCHOOLGQL_SMTP_PORT": str(smtp_server.port),
        "SCHOOLGQL_SMTP_SECURITY": "none",
        "SCHOOLGQL_BCRYPT_COST": "4",
    }


@pytest.fixture
def mail_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


async def test_start_commands_run_outside_container(
    empty_database_url: str, mail_server: SmtpServer, tmp_path: Path
) -> None:
    await asyncio.to_thread(
        _run_start_commands, empty_database_url, mail_server, tmp_path
    )


def _run_start_commands(
    database_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """Migrate, serve and start the worker as the image and compose would."""
    services = _compose()["services"]
    instructions = _instructions()
    port = _free_port()
    queue = f"schoolgql.test.{uuid.uuid4().hex[:12]}"
    environment = _environment(database_url, smtp_server, port, queue)

    def compose_command(parts: list[str]) -> list[str]:
        return [_interpolate(part, environment) for part in parts]

    migrate = subprocess.run(
        compose_command(services["migrate"]["command"]),
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr

    serve_command = _exec_form(instructions["CMD"][-1])
    health_command = _exec_form(instructions["HEALTHCHECK"][0])
    worker_command = compose_command(services["worker"]["command"])
    worker_health = services["worker"]["healthcheck"]["test"]
    assert worker_health[0] == "CMD-SHELL"
    worker_health_command = ["sh", "-c", _interpolate(worker_health[1], environment)]
    app_log = tmp_path / "app.log"
    worker_log = tmp_path / "worker.log"
    try:
        with (
            _started(serve_command, environment, app_log) as app,
            _started(worker_command, environment, worker_log) as worker,
        ):
            _wait_until(
                lambda: _succeeds(health_command, environment), app, app_log, "app"
            )
            _wait_until(
                lambda: " ready." in worker_log.read_text(),
                worker,
                worker_log,
                "worker",
            )

            assert _succeeds(worker_health_command, environment), worker_log.read_text()
            assert len(_spawned_children(app.pid)) == 2
    finally:
        _delete_broker_keys(queue)


def _spawned_children(pid: int) -> list[int]:
    """Return the PIDs of processes that `pid` started with multiprocessing."""
    children = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The fields after the parenthesized name: state, then parent PID.
            fields = stat_path.read_text().rsplit(")", 1)[1].split()
            command_line = (stat_path.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command_line:
            children.append(int(stat_path.parent.name))
    return children


def _delete_broker_keys(queue: str) -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/1")
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
