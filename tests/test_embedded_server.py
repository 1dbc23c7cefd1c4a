"""`schoolgql serve --demo` on the embedded SQLite default, run as a user runs it.

The server runs as a child process of the installed console script, with
its database file in a temporary directory, and is reached over HTTP on
127.0.0.1.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

# Start-up migrates a new SQLite file and seeds the demo school, which took
# about 8 s on a 2-core machine, so the limit leaves room for a loaded one.
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30
CLEAN_EXIT_CODES = (0, -signal.SIGTERM)
ROSTER_QUERY = """
{
  courses(first: 20) {
    edges {
      node {
        code
        title
        teacher { fullName }
        enrollments(first: 50) {
          edges { node { student { fullName studentNumber } } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
LOG_IN_MUTATION = """
mutation($e: String!, $p: String!) {
  logIn(email: $e, password: $p) { accessToken userErrors { message } }
}
"""


@dataclass
class DemoServer:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    environment: dict[str, str]
    directory: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(server: DemoServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"schoolgql serve exited with code {server.process.returncode} "
                f"before it served /healthz. Its log:\n{server.log_tail()}"
            )
        try:
            response = httpx.get(f"{server.url}/healthz", timeout=2)
        except httpx.TransportError:
            time.sleep(0.25)
            continue
        if response.status_code == 200:
            return
        time.sleep(0.25)
    pytest.fail(
        f"schoolgql serve did not serve /healthz within {START_TIMEOUT_SECONDS} s. "
        f"Its log:\n{server.log_tail()}"
    )


def _stop(server: DemoServer) -> int:
    """Send SIGTERM, as a process manager does, and return the exit code."""
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        raise


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    directory = tmp_path_factory.mktemp("embedded")
    command = Path(sys.executable).with_name("schoolgql")
    port = _free_port()
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    environment["SCHOOLGQL_SQLITE_PATH"] = str(directory / "demo.sqlite3")
    log_path = directory / "serve.log"

    # The working directory is empty, so no developer's .env file is read.
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [command, "serve", "--demo", "--port", str(port)],
            cwd=directory,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = DemoServer(
        process, f"http://127.0.0.1:{port}", log_path, environment, directory
    )
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        if process.poll() is None:
            exit_code = _stop(server)
            # Uvicorn (0.55) shuts down gracefully and then re-raises the
            # signal, so a clean stop ends with -SIGTERM.
            assert exit_code in CLEAN_EXIT_CODES, (
                f"schoolgql serve exited with code {exit_code} on SIGTERM. "
                f"Its log:\n{server.log_tail()}"
            )
            assert "Application shutdown complete" in server.log_tail(), (
                server.log_tail()
            )


@pytest.fixture(scope="module")
def admin_token(demo_server: DemoServer) -> str:
    """Create an administrator with the CLI and return its access token.

    Administrators see every roster, whatever the rules for other viewers.
    """
    email = "embedded-admin@school.example"
    password = secrets.token_urlsafe(24)
    command = Path(sys.executable).with_name("schoolgql")
    created = subprocess.run(
        [command, "create-admin", "--email", email, "--full-name", "Embedded Admin"],
        cwd=demo_server.directory,
        env={**demo_server.environment, "SCHOOLGQL_ADMIN_PASSWORD": password},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_SECONDS,
        check=False,
    )
    assert created.returncode == 0, created.stderr

    response = httpx.post(
        f"{demo_server.url}/graphql",
        json={"query": LOG_IN_MUTATION, "variables": {"e": email, "p": password}},
        timeout=30,
    )
    body = response.json()
    assert body.get("errors") is None, body["errors"]
    assert body["data"]["logIn"]["userErrors"] == []
    token: str = body["data"]["logIn"]["accessToken"]
    return token


def test_demo_server_reports_ready(demo_server: DemoServer) -> None:
    health = httpx.get(f"{demo_server.url}/healthz")
    ready = httpx.get(f"{demo_server.url}/readyz")

    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


def test_roster_query_returns_demo_school(
    demo_server: DemoServer, admin_token: str
) -> None:
    response = httpx.post(
        f"{demo_server.url}/graphql",
        json={"query": ROSTER_QUERY},
        headers={"authorization": f"Bearer {admin_token}"},
        timeout=30,
    )

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    courses = body["data"]["courses"]
    edges = courses["edges"]
    assert len(edges) == 20
    assert courses["pageInfo"]["hasNextPage"] is True
    codes = [edge["node"]["code"] for edge in edges]
    assert codes[:2] == ["MATH-101", "MATH-102"]
    assert len(set(codes)) == 20
    for edge in edges:
        course = edge["node"]
        enrollments = course["enrollments"]["edges"]
        assert len(enrollments) == 50, course["code"]
        assert course["teacher"]["fullName"], course["code"]
        numbers = {
            enrollment["node"]["student"]["studentNumber"] for enrollment in enrollments
        }
        assert len(numbers) == 50, course["code"]


def test_graphiql_served_to_browsers(demo_server: DemoServer) -> None:
    response = httpx.get(f"{demo_server.url}/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "GraphiQL" in response.text
