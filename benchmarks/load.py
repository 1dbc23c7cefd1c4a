"""Load generation with wrk, pinned to its own CPU."""

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
RESULT_PREFIX = "BENCH_RESULT "
WRK_INSTALL_HINT = (
    "wrk is not installed. On Debian or Ubuntu run "
    "`apt-get update && apt-get install -y wrk`; on macOS `brew install wrk`."
)


@dataclass(frozen=True)
class LoadSettings:
    connections: int
    duration_seconds: float
    timeout_seconds: float
    cpu: int


@dataclass(frozen=True)
class LoadResult:
    requests: int
    duration_seconds: float
    requests_per_second: float
    latency_p50_ms: float
    latency_p90_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    # Transport errors, non-2xx responses and timeouts, as wrk counts them.
    http_errors: int
    # 2xx responses whose body contains an `errors` member.
    graphql_errors: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_tools() -> list[str]:
    """Return a message for each missing tool the benchmark needs."""
    problems = []
    if shutil.which("wrk") is None:
        problems.append(WRK_INSTALL_HINT)
    if shutil.which("taskset") is None:
        problems.append(
            "taskset is not installed; it comes with util-linux "
            "(`apt-get install -y util-linux`)."
        )
    return problems


def wrk_version() -> str:
    completed = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True, check=False
    )
    first_line = (completed.stdout or completed.stderr).splitlines()[0]
    # The line goes on with a copyright notice after the version.
    return first_line.split(" Copyright")[0].strip()


def run_wrk(
    url: str, query_name: str, script_arguments: list[str], settings: LoadSettings
) -> LoadResult:
    """Run wrk with the query's Lua script and return what its done() hook printed."""
    return start_wrk(url, query_name, script_arguments, settings).wait()


class WrkProcess:
    """A wrk process started in the background, so that two can load at once."""

    def __init__(self, command: list[str], timeout_seconds: float) -> None:
        self._timeout_seconds = timeout_seconds
        self._process = subprocess.Popen(
            command,
            cwd=BENCHMARKS_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self) -> LoadResult:
        """Wait until wrk exits and return what its done() hook printed."""
        try:
            stdout, stderr = self._process.communicate(timeout=self._timeout_seconds)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            raise RuntimeError(
                f"wrk did not exit within {self._timeout_seconds:.0f} s"
            ) from None
        if self._process.returncode != 0:
            raise RuntimeError(
                f"wrk failed with exit status {self._process.returncode}:\n"
                f"{stdout}\n{stderr}"
            )
        return _parse_result(stdout)

    def stop(self) -> None:
        """Kill wrk by its PID if it still runs, as when a step fails."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def start_wrk(
    url: str, query_name: str, script_arguments: list[str], settings: LoadSettings
) -> WrkProcess:
    """Start wrk with the query's Lua script and return without waiting for it."""
    duration = max(1, round(settings.duration_seconds))
    timeout = max(1, round(settings.timeout_seconds))
    command = [
        "taskset", "--cpu-list", str(settings.cpu),
        "wrk", "--threads", "1",
        "--connections", str(settings.connections),
        "--duration", f"{duration}s",
        "--timeout", f"{timeout}s",
        "--script", f"wrk/{query_name}.lua",
        url,
    ]  # fmt: skip
    if script_arguments:
        command += ["--", *script_arguments]
    return WrkProcess(command, timeout_seconds=duration + timeout + 30)


def _parse_result(output: str) -> LoadResult:
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            raw = json.loads(line.removeprefix(RESULT_PREFIX))
            break
    else:
        raise RuntimeError(f"wrk printed no {RESULT_PREFIX.strip()} line:\n{output}")

    seconds = raw["duration_us"] / 1e6
    http_errors = sum(
        raw[name]
        for name in (
            "connect_errors",
            "read_errors",
            "write_errors",
            "status_errors",
            "timeouts",
        )
    )
    return LoadResult(
        requests=raw["requests"],
        duration_seconds=seconds,
        requests_per_second=raw["requests"] / seconds,
        latency_p50_ms=raw["latency_p50_us"] / 1000,
        latency_p90_ms=raw["latency_p90_us"] / 1000,
        latency_p99_ms=raw["latency_p99_us"] / 1000,
        latency_max_ms=raw["latency_max_us"] / 1000,
        http_errors=http_errors,
        graphql_errors=raw["graphql_errors"],
    )
