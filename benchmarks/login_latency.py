"""Latency of `{ __typename }` while 20 logins hash passwords at once.

Serves the embedded SQLite default in a child process, bcrypt at cost 12
(the production default), creates one account with `schoolgql
create-admin`, then measures `{ __typename }` from this process: first
idle, then while 20 concurrent logins run. Prints both medians and their
ratio. bcrypt runs on the server's small hashing thread pool, so the
event loop keeps serving other requests. Then it times failed logins
for a wrong password and for an unknown email, which should take about
the same time so that timing does not reveal which addresses exist.

    uv run python -m benchmarks.login_latency

The ratio depends on the cores free during the run; report it with the
machine it ran on.
"""

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CONCURRENT_LOGINS = 20
IDLE_SAMPLES = 50
BCRYPT_COST = 12
EMAIL = "bench@example.com"
PASSWORD = "benchmark password"
TYPENAME = {"query": "{ __typename }"}
LOG_IN_QUERY = (
    "mutation($e: String!, $p: String!) "
    "{ logIn(email: $e, password: $p) { accessToken } }"
)
LOG_IN = {"query": LOG_IN_QUERY, "variables": {"e": EMAIL, "p": PASSWORD}}
FAILED_LOGIN_SAMPLES = 5


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        environment = _server_environment(Path(folder))
        _run_cli(
            ["create-admin", "--email", EMAIL, "--full-name", "Bench"], environment
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "schoolgql.cli", "serve", "--port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            idle, busy, logins = asyncio.run(_measure(url))
            wrong, unknown = asyncio.run(_measure_failed_logins(url))
        finally:
            server.terminate()
            server.wait(timeout=30)

    idle_median = statistics.median(idle)
    busy_median = statistics.median(busy)
    print(f"bcrypt cost {BCRYPT_COST}, {CONCURRENT_LOGINS} concurrent logins")
    print(f"logins took {logins * 1000:.0f} ms in total")
    print(f"__typename idle:   median {idle_median * 1000:.2f} ms, n={len(idle)}")
    print(f"__typename logins: median {busy_median * 1000:.2f} ms, n={len(busy)}")
    print(f"ratio (busy / idle median): {busy_median / idle_median:.2f}")
    wrong_median = statistics.median(wrong) * 1000
    unknown_median = statistics.median(unknown) * 1000
    print(f"failed login, wrong password: median {wrong_median:.0f} ms")
    print(f"failed login, unknown email:  median {unknown_median:.0f} ms")
    return 0


def _server_environment(folder: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SCHOOLGQL_")
    }
    environment |= {
        "SCHOOLGQL_SQLITE_PATH": str(folder / "school.sqlite3"),
        "SCHOOLGQL_BCRYPT_COST": str(BCRYPT_COST),
        "SCHOOLGQL_ADMIN_PASSWORD": PASSWORD,
        "SCHOOLGQL_CREDENTIAL_ATTEMPTS_PER_ACCOUNT": "1000",
        "SCHOOLGQL_LOG_LEVEL": "WARNING",
    }
    return environment


def _run_cli(arguments: list[str], environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "schoolgql.cli", *arguments],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def _measure(url: str) -> tuple[list[float], list[float], float]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await _wait_until_ready(client)
        for _ in range(10):
            await _typename_seconds(client)
        idle = [await _typename_seconds(client) for _ in range(IDLE_SAMPLES)]

        started = time.perf_counter()
        logins = asyncio.gather(
            *(client.post("/graphql", json=LOG_IN) for _ in range(CONCURRENT_LOGINS))
        )
        busy = []
        while not logins.done():
            busy.append(await _typename_seconds(client))
        responses = await logins
        elapsed = time.perf_counter() - started

    failed = [response for response in responses if "errors" in response.json()]
    if failed:
        raise RuntimeError(f"{len(failed)} logins failed: {failed[0].text}")
    return idle, busy, elapsed


async def _measure_failed_logins(url: str) -> tuple[list[float], list[float]]:
    wrong_password = {"e": EMAIL, "p": "not the password"}
    unknown_email = {"e": "nobody@example.com", "p": "not the password"}
    wrong: list[float] = []
    unknown: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for _ in range(FAILED_LOGIN_SAMPLES):
            wrong.append(await _log_in_seconds(client, wrong_password))
            unknown.append(await _log_in_seconds(client, unknown_email))
    return wrong, unknown


async def _log_in_seconds(
    client: httpx.AsyncClient, variables: dict[str, str]
) -> float:
    started = time.perf_counter()
    response = await client.post(
        "/graphql", json={"query": LOG_IN_QUERY, "variables": variables}
    )
    elapsed = time.perf_counter() - started
    if "errors" not in response.json():
        raise RuntimeError(f"a login with a wrong password succeeded: {response.text}")
    return elapsed


async def _typename_seconds(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    response = await client.post("/graphql", json=TYPENAME)
    response.raise_for_status()
    return time.perf_counter() - started


async def _wait_until_ready(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start within 60 seconds")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


if __name__ == "__main__":
    sys.exit(main())
