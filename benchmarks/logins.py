"""Q4: Q3's latency alone and while a second wrk sends logIn mutations.

The target is that logins never starve other requests: Q3's p99 while
logins run stays within TARGET_P99_RATIO times its p99 alone. Each login
runs bcrypt on the server's hashing thread pool, and those threads share
the server's CPU with its event loop.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import load
from benchmarks.dataset import BCRYPT_COST, Dataset
from benchmarks.queries import QUERIES
from benchmarks.servers import Server

TARGET_P99_RATIO = 2.0
# The logins start this many seconds before Q3's run and end this many
# after it, so the hashing threads are busy for all of Q3's run.
LOGIN_LEAD_SECONDS = 2
LOGIN_TAIL_SECONDS = 1


@dataclass(frozen=True)
class LoginPhaseSettings:
    # Settings of Q3's wrk; the login wrk uses the same CPU and timeout.
    q3: load.LoadSettings
    login_connections: int
    rounds: int
    warmup_seconds: float


def measure(
    server: Server,
    dataset: Dataset,
    settings: LoginPhaseSettings,
    *,
    wait_until_idle: Callable[[Server], None],
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Measure Q3 alone and with logins for each round, and summarize the rounds.

    The two runs of a round swap order each round, so drift on the
    machine does not always favor the same one.
    """
    if settings.warmup_seconds > 0:
        log(f"warming up {server.system.name} on q3 with logins")
        _q3_with_logins(server, dataset, settings, settings.warmup_seconds)
        wait_until_idle(server)

    q3_arguments = QUERIES["q3"].script_arguments(dataset, None)
    runs: list[dict[str, Any]] = []
    for round_index in range(settings.rounds):
        run: dict[str, Any] = {"round": round_index + 1}
        load_averages = [os.getloadavg()[0]]
        logins: load.LoadResult | None = None
        for with_logins in (False, True) if round_index % 2 == 0 else (True, False):
            if with_logins:
                q3, logins = _q3_with_logins(
                    server, dataset, settings, settings.q3.duration_seconds
                )
                run["q3_with_logins"] = q3.to_json()
                run["logins"] = logins.to_json()
            else:
                q3 = load.run_wrk(
                    server.query_url("q3"), "q3", q3_arguments, settings.q3
                )
                run["q3_alone"] = q3.to_json()
            load_averages.append(os.getloadavg()[0])
            wait_until_idle(server)
            log(
                f"round {round_index + 1} q4 {server.system.name}, Q3 "
                f"{'with logins' if with_logins else 'alone'}: "
                f"{q3.requests_per_second:.1f} req/s, "
                f"p50 {q3.latency_p50_ms:.1f} ms, p99 {q3.latency_p99_ms:.1f} ms, "
                f"errors {q3.http_errors + q3.graphql_errors}"
            )
        assert logins is not None
        log(
            f"round {round_index + 1} q4 logins: "
            f"{logins.requests_per_second:.1f} req/s, "
            f"p50 {logins.latency_p50_ms:.0f} ms, "
            f"errors {logins.http_errors + logins.graphql_errors}"
        )
        run["load_average_min"] = min(load_averages)
        run["load_average_max"] = max(load_averages)
        runs.append(run)

    return {
        "system": server.system.name,
        "q3_connections": settings.q3.connections,
        "login_connections": settings.login_connections,
        "login_lead_seconds": LOGIN_LEAD_SECONDS,
        "login_tail_seconds": LOGIN_TAIL_SECONDS,
        "bcrypt_cost": BCRYPT_COST,
        "runs": runs,
        "summary": summarize(runs),
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Reduce the rounds to medians and error sums, and compare the p99s.

    The ratio divides the median p99 with logins by the median p99 alone,
    and is None when either is missing.
    """
    summary: dict[str, Any] = {
        name: _summarize_load([run[name] for run in runs])
        for name in ("q3_alone", "q3_with_logins", "logins")
    }
    alone = summary["q3_alone"]["latency_p99_ms"]
    busy = summary["q3_with_logins"]["latency_p99_ms"]
    ratio = busy / alone if alone and busy is not None else None
    summary["p99_ratio"] = ratio
    summary["target_p99_ratio"] = TARGET_P99_RATIO
    summary["target_met"] = ratio is not None and ratio <= TARGET_P99_RATIO
    return summary


def _q3_with_logins(
    server: Server,
    dataset: Dataset,
    settings: LoginPhaseSettings,
    duration_seconds: float,
) -> tuple[load.LoadResult, load.LoadResult]:
    """Run Q3 while a second wrk sends logIn mutations; return both results."""
    login_settings = load.LoadSettings(
        connections=settings.login_connections,
        duration_seconds=LOGIN_LEAD_SECONDS
        + max(1, round(duration_seconds))
        + LOGIN_TAIL_SECONDS,
        timeout_seconds=settings.q3.timeout_seconds,
        cpu=settings.q3.cpu,
    )
    q3_settings = load.LoadSettings(
        connections=settings.q3.connections,
        duration_seconds=duration_seconds,
        timeout_seconds=settings.q3.timeout_seconds,
        cpu=settings.q3.cpu,
    )
    logins = load.start_wrk(
        server.query_url("q4"),
        "q4",
        QUERIES["q4"].script_arguments(dataset, None),
        login_settings,
    )
    try:
        time.sleep(LOGIN_LEAD_SECONDS)
        q3 = load.run_wrk(
            server.query_url("q3"),
            "q3",
            QUERIES["q3"].script_arguments(dataset, None),
            q3_settings,
        )
        login_result = logins.wait()
    finally:
        logins.stop()
    return q3, login_result


def _summarize_load(results: list[dict[str, Any]]) -> dict[str, Any]:
    answered = [result for result in results if result["requests"] > 0]
    return {
        "requests": sum(result["requests"] for result in results),
        "requests_per_second": _median(results, "requests_per_second"),
        "latency_p50_ms": _median(answered, "latency_p50_ms"),
        "latency_p99_ms": _median(answered, "latency_p99_ms"),
        "errors": sum(
            result["http_errors"] + result["graphql_errors"] for result in results
        ),
    }


def _median(results: list[dict[str, Any]], key: str) -> float | None:
    values = [result[key] for result in results]
    return float(statistics.median(values)) if values else None
