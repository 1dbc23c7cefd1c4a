"""The servers under test, each one process pinned to one CPU."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.dataset import BCRYPT_COST, Dataset
from schoolgql.settings import Settings

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# The maximum that Settings.access_token_lifetime_seconds allows. The
# access tokens are obtained once, after the servers start, and must stay
# valid until the run ends.
ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 3600
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
IDLE_TIMEOUT_SECONDS = 120.0
IDLE_SAMPLE_SECONDS = 0.25


@dataclass(frozen=True)
class System:
    """One server setup the benchmark compares."""

    name: str
    is_floor: bool = False
    use_dataloaders: bool = True
    # The public catalogue fields (`courses`, `course`) declare a TTL; the
    # floor caches nothing, so the systems compared with it run uncached.
    field_cache: bool = False


FLOOR = System("floor", is_floor=True)
SCHOOLGQL = System("schoolgql")
SCHOOLGQL_CACHED = System("schoolgql-cached", field_cache=True)
SCHOOLGQL_UNBATCHED = System("schoolgql-no-loaders", use_dataloaders=False)
SYSTEMS = {
    system.name: system
    for system in (FLOOR, SCHOOLGQL, SCHOOLGQL_CACHED, SCHOOLGQL_UNBATCHED)
}


@dataclass
class Server:
    system: System
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def query_url(self, query_name: str) -> str:
        """URL of a query: the floor has a path per query, schoolgql one endpoint."""
        path = f"/{query_name}" if self.system.is_floor else "/graphql"
        return self.base_url + path

    def peak_rss_kib(self) -> int:
        """VmHWM of the process: its peak resident set size since start or reset."""
        return self._status_kib("VmHWM")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far."""
        return self._cpu_ticks() / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        return self._status_kib("VmRSS")

    def wait_until_idle(self) -> bool:
        """Wait until the process uses no CPU for two samples in a row.

        A server keeps working on requests that wrk sent before it
        stopped, and that work must not slow down the next run. Returns
        False if the process is still busy after IDLE_TIMEOUT_SECONDS.
        """
        deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
        previous = self._cpu_ticks()
        quiet_samples = 0
        while time.monotonic() < deadline:
            time.sleep(IDLE_SAMPLE_SECONDS)
            current = self._cpu_ticks()
            quiet_samples = quiet_samples + 1 if current == previous else 0
            if quiet_samples >= 2:
                return True
            previous = current
        return False

    def reset_peak_rss(self) -> bool:
        """Reset VmHWM to the current RSS; False where the kernel does not allow it."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def _status_kib(self, field: str) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise RuntimeError(f"/proc/{self.process.pid}/status has no {field} line")

    def _cpu_ticks(self) -> int:
        """User plus system CPU time of the process, in clock ticks."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        # Split after the parenthesized command name, so field 3 of proc(5)
        # is index 0 and utime and stime (fields 14 and 15) are 11 and 12.
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])


def new_jwt_signing_key() -> str:
    """Return a random key for every schoolgql server of one run.

    Production mode requires a key, and with one key for all of them an
    access token from one server works on each.
    """
    return secrets.token_urlsafe(48)


def start(
    system: System,
    dataset: Dataset,
    *,
    cpu: int,
    log_dir: Path,
    jwt_signing_key: str,
) -> Server:
    """Start a server pinned to `cpu` and wait until it responds to /healthz."""
    port = _free_port()
    log_path = log_dir / f"{system.name}.log"
    if system.is_floor:
        command, environment = _floor_command(dataset, port)
    else:
        command, environment = _schoolgql_command(
            system, dataset, port, jwt_signing_key
        )

    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["taskset", "--cpu-list", str(cpu), *command],
            cwd=REPOSITORY_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(system, process, port, log_path)
    try:
        _wait_until_healthy(server)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: Server) -> None:
    """Stop the server by its PID: SIGTERM, then SIGKILL if it hangs."""
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def schoolgql_environment(
    system: System, dataset: Dataset, jwt_signing_key: str
) -> dict[str, str]:
    """Return the SCHOOLGQL_* variables that configure a schoolgql system."""
    return {
        "SCHOOLGQL_DATABASE_URL": dataset.sqlalchemy_url,
        "SCHOOLGQL_ENVIRONMENT": "production",
        "SCHOOLGQL_JWT_SIGNING_KEY": jwt_signing_key,
        "SCHOOLGQL_ACCESS_TOKEN_LIFETIME_SECONDS": str(ACCESS_TOKEN_LIFETIME_SECONDS),
        "SCHOOLGQL_BCRYPT_COST": str(BCRYPT_COST),
        "SCHOOLGQL_LOG_LEVEL": "WARNING",
        # All load comes from one client, so a production budget would
        # reject most of it. A budget too large to run out keeps the cost
        # accounting in the measured path.
        "SCHOOLGQL_RATE_LIMIT_CAPACITY": str(10**12),
        "SCHOOLGQL_RATE_LIMIT_REFILL_PER_SECOND": str(10**12),
        # Q4 logs in as one account from one address thousands of times a
        # run, and the default credential attempt limits allow 10 per
        # account and 50 per address in 15 minutes. Limits too large to
        # reach keep the attempt counting in the measured path.
        "SCHOOLGQL_CREDENTIAL_ATTEMPTS_PER_ACCOUNT": str(10**12),
        "SCHOOLGQL_CREDENTIAL_ATTEMPTS_PER_ADDRESS": str(10**12),
        "SCHOOLGQL_USE_DATALOADERS": str(system.use_dataloaders).lower(),
        "SCHOOLGQL_FIELD_CACHE_ENABLED": str(system.field_cache).lower(),
    }


def schoolgql_settings(
    system: System, dataset: Dataset, jwt_signing_key: str
) -> Settings:
    """Return the Settings a schoolgql system's server builds from its environment.

    For in-process apps that must behave like the servers of a run.
    """
    environment = schoolgql_environment(system, dataset, jwt_signing_key)
    # Pydantic parses the strings as it parses the environment variables.
    values: dict[str, Any] = {
        name.removeprefix("SCHOOLGQL_").lower(): value
        for name, value in environment.items()
    }
    return Settings(**values)


def _schoolgql_command(
    system: System, dataset: Dataset, port: int, jwt_signing_key: str
) -> tuple[list[str], dict[str, str]]:
    # `schoolgql serve` with one worker runs uvicorn in this very process,
    # with uvloop and httptools, as production does.
    command = [
        sys.executable, "-m", "schoolgql.cli", "serve",
        "--host", HOST, "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    environment = {
        **os.environ,
        **schoolgql_environment(system, dataset, jwt_signing_key),
    }
    return command, environment


def _floor_command(dataset: Dataset, port: int) -> tuple[list[str], dict[str, str]]:
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.floor:create_app", "--factory",
        "--host", HOST, "--port", str(port),
        "--loop", "uvloop", "--http", "httptools",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "FLOOR_DATABASE_URL": dataset.dsn,
        "FLOOR_STUDENT_ID": str(dataset.q2_student_row_id),
    }
    return command, environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.system.name} exited with status "
                f"{server.process.returncode} while starting; its output:\n"
                + server.log_path.read_text(errors="replace")[-4000:]
            )
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise RuntimeError(
        f"{server.system.name} did not respond to /healthz within "
        f"{START_TIMEOUT_SECONDS:.0f} s; see {server.log_path}"
    )
