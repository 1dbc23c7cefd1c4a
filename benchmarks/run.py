"""Benchmark schoolgql against the floor and its own unbatched mode.

Run from the repository root: `uv run python -m benchmarks.run --help`.
It creates and seeds a fresh PostgreSQL database and starts each system as
one server process. It checks that all return the same data, counts SQL
statements per request, and loads each query with wrk in round-robin order.
The raw results go to benchmarks/runs/ and the summary to
benchmarks/RESULTS.md. Finally it stops every server it started and drops
the database.
"""

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import auth, checks, dataset, load, logins, report, servers
from benchmarks.queries import QUERIES, Query
from benchmarks.servers import SYSTEMS, Server

BENCHMARKS_DIR = Path(__file__).resolve().parent
RUNS_DIR = BENCHMARKS_DIR / "runs"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    problems = load.check_tools()
    if problems:
        for problem in problems:
            print(f"benchmarks: {problem}", file=sys.stderr)
        return 2

    estimated_minutes = _estimate_minutes(arguments)
    if estimated_minutes * 60 > servers.ACCESS_TOKEN_LIFETIME_SECONDS:
        print(
            f"benchmarks: the run would take about {estimated_minutes:.0f} min, "
            "longer than the access tokens stay valid "
            f"({servers.ACCESS_TOKEN_LIFETIME_SECONDS // 3600} h); lower "
            "--duration, --warmup or --rounds",
            file=sys.stderr,
        )
        return 2

    queries = [QUERIES[name] for name in arguments.queries]
    # The logIn query has its own phase after the others; see _measure_logins.
    loaded_queries = [query for query in queries if not query.logs_in]
    systems = [SYSTEMS[name] for name in arguments.systems]
    started_at = datetime.now(UTC)
    run_dir = RUNS_DIR / started_at.strftime("%Y%m%dT%H%M%SZ")
    run_dir.mkdir(parents=True)
    _log(f"writing logs to {run_dir}; about {estimated_minutes:.0f} min")

    jwt_signing_key = servers.new_jwt_signing_key()
    database = dataset.create(arguments.postgres_url)
    running: list[Server] = []
    try:
        seed_log: list[str] = []
        _log(f"seeding database {database.name}")
        database = dataset.migrate_and_seed(database, log=seed_log)
        dataset.post_all_grades(database, log=seed_log)
        database = dataset.create_accounts(database, log=seed_log)
        for system in systems:
            running.append(
                servers.start(
                    system,
                    database,
                    cpu=arguments.server_cpu,
                    log_dir=run_dir,
                    jwt_signing_key=jwt_signing_key,
                )
            )
        _log(
            "started "
            + ", ".join(f"{s.system.name} (pid {s.process.pid})" for s in running)
        )
        idle_rss_kib = {server.system.name: server.rss_kib() for server in running}
        tokens = _log_in(running, database)

        checks.check_same_data(running, loaded_queries, database, tokens, run_dir)
        _log("every system returned the same data")
        statements = _count_statements(
            database, queries, systems, tokens, jwt_signing_key
        )
        _log(f"SQL statements per request: {json.dumps(statements)}")

        settings = load.LoadSettings(
            connections=arguments.connections,
            duration_seconds=arguments.duration,
            timeout_seconds=arguments.timeout,
            cpu=arguments.client_cpu,
        )
        runs, rss_reset = _run_load(
            running, loaded_queries, database, tokens, settings, arguments
        )
        login_phase = _measure_logins(running, queries, database, settings, arguments)

        result = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": _command_line(argv),
            "revision": report.source_revision(servers.REPOSITORY_ROOT),
            "settings": {
                "connections": arguments.connections,
                "duration_seconds": arguments.duration,
                "warmup_seconds": arguments.warmup,
                "rounds": arguments.rounds,
                "timeout_seconds": arguments.timeout,
                "server_cpu": arguments.server_cpu,
                "client_cpu": arguments.client_cpu,
                "login_connections": arguments.login_connections,
            },
            "machine": report.describe_machine(),
            "versions": report.package_versions(),
            "postgresql": dataset.server_version(database),
            "wrk": load.wrk_version(),
            "seed": seed_log,
            "statements": statements,
            "idle_rss_kib": idle_rss_kib,
            "peak_rss_reset": rss_reset,
            "runs": runs,
            "summary": report.summarize(runs),
        }
        if login_phase is not None:
            result["logins"] = login_phase
    finally:
        for server in running:
            servers.stop(server)
        dataset.drop(database)
        _log(f"stopped {len(running)} servers and dropped {database.name}")

    raw_path = run_dir.with_suffix(".json")
    raw_path.write_text(json.dumps(result, indent=2) + "\n")
    section = report.render(result)
    print(section)
    if arguments.results_file is not None:
        report.write_results_file(arguments.results_file, section)
        _log(f"wrote {raw_path} and {arguments.results_file}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Load-test schoolgql against a hand-written floor with wrk.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10,
        help="seconds per measured run",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=3,
        help="seconds of unrecorded load per system and query first",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="measured runs per system and query, in round-robin order",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=8,
        help="concurrent HTTP connections wrk keeps open",
    )
    parser.add_argument(
        "--login-connections",
        type=_positive_int,
        default=2,
        help="connections of the second wrk that sends logIn mutations during Q4",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10,
        help="seconds before wrk counts a request as timed out",
    )
    parser.add_argument(
        "--queries",
        type=_names(QUERIES),
        default=",".join(QUERIES),
        help="comma-separated queries to load",
    )
    parser.add_argument(
        "--systems",
        type=_names(SYSTEMS),
        default=",".join(SYSTEMS),
        help="comma-separated systems to compare",
    )
    parser.add_argument(
        "--server-cpu",
        type=int,
        default=0,
        help="CPU the servers run on",
    )
    parser.add_argument(
        "--client-cpu",
        type=int,
        default=1,
        help="CPU wrk runs on",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_SERVER_URL,
        help="PostgreSQL server to create the benchmark database on; its "
        "database is used only to run CREATE and DROP DATABASE",
    )
    results = parser.add_mutually_exclusive_group()
    results.add_argument(
        "--results-file",
        type=Path,
        default=BENCHMARKS_DIR / "RESULTS.md",
        help="Markdown file whose generated section is replaced",
    )
    results.add_argument(
        "--no-results-file",
        dest="results_file",
        action="store_const",
        const=None,
        help="write only the raw JSON under benchmarks/runs/",
    )
    return parser


def _log_in(running: list[Server], database: dataset.Dataset) -> auth.Tokens | None:
    """Log in on the first schoolgql server; None when only the floor runs.

    The servers share one signing key and one database, so the tokens are
    valid on each of them. The floor ignores the Authorization header.
    """
    for server in running:
        if not server.system.is_floor:
            tokens = auth.log_in_viewers(server.base_url, database)
            _log(f"logged in as the administrator and the student on {server.base_url}")
            return tokens
    return None


def _run_load(
    running: list[Server],
    queries: list[Query],
    database: dataset.Dataset,
    tokens: auth.Tokens | None,
    settings: load.LoadSettings,
    arguments: argparse.Namespace,
) -> tuple[list[dict[str, Any]], bool]:
    warmup = load.LoadSettings(
        connections=settings.connections,
        duration_seconds=arguments.warmup,
        timeout_seconds=settings.timeout_seconds,
        cpu=settings.cpu,
    )
    if arguments.warmup > 0:
        for query in queries:
            for server in running:
                _log(f"warming up {server.system.name} on {query.name}")
                load.run_wrk(
                    server.query_url(query.name),
                    query.name,
                    query.script_arguments(database, tokens),
                    warmup,
                )
                _wait_until_idle(server)

    runs: list[dict[str, Any]] = []
    rss_reset = True
    for round_index in range(arguments.rounds):
        for query in queries:
            # Each round starts with the next system, so no system always
            # runs right after the same neighbour.
            shift = round_index % len(running)
            for server in running[shift:] + running[:shift]:
                rss_reset = server.reset_peak_rss() and rss_reset
                load_before = os.getloadavg()[0]
                cpu_before = server.cpu_seconds()
                measured = load.run_wrk(
                    server.query_url(query.name),
                    query.name,
                    query.script_arguments(database, tokens),
                    settings,
                )
                peak_rss_kib = server.peak_rss_kib()
                load_after = os.getloadavg()[0]
                _wait_until_idle(server)
                # wrk stops with one request in flight per connection, and
                # the server still completes those, so they count as served.
                served = measured.requests + settings.connections
                cpu_seconds = server.cpu_seconds() - cpu_before
                runs.append(
                    {
                        "round": round_index + 1,
                        "query": query.name,
                        "system": server.system.name,
                        **measured.to_json(),
                        "server_cpu_ms_per_request": cpu_seconds * 1000 / served,
                        "peak_rss_kib": peak_rss_kib,
                        "load_average_before": load_before,
                        "load_average_after": load_after,
                    }
                )
                _log(
                    f"round {round_index + 1} {query.name} {server.system.name}: "
                    f"{measured.requests_per_second:.1f} req/s, "
                    f"p50 {measured.latency_p50_ms:.1f} ms, "
                    f"p99 {measured.latency_p99_ms:.1f} ms, "
                    f"CPU {runs[-1]['server_cpu_ms_per_request']:.1f} ms/request, "
                    f"errors {measured.http_errors + measured.graphql_errors}"
                )
    return runs, rss_reset


def _measure_logins(
    running: list[Server],
    queries: list[Query],
    database: dataset.Dataset,
    settings: load.LoadSettings,
    arguments: argparse.Namespace,
) -> dict[str, Any] | None:
    """Run the Q4 phase on the `schoolgql` system; None when it is not selected."""
    if not any(query.logs_in for query in queries):
        return None
    server = next(
        (server for server in running if server.system == servers.SCHOOLGQL), None
    )
    if server is None:
        _log("NOTE: skipping q4, which runs only on the schoolgql system")
        return None
    phase_settings = logins.LoginPhaseSettings(
        q3=settings,
        login_connections=arguments.login_connections,
        rounds=arguments.rounds,
        warmup_seconds=arguments.warmup,
    )
    return logins.measure(
        server, database, phase_settings, wait_until_idle=_wait_until_idle, log=_log
    )


def _wait_until_idle(server: Server) -> None:
    if not server.wait_until_idle():
        _log(f"NOTE: {server.system.name} was still busy when the next run started")


def _count_statements(
    database: dataset.Dataset,
    queries: list[Query],
    systems: list[servers.System],
    tokens: auth.Tokens | None,
    jwt_signing_key: str,
) -> dict[str, dict[str, dict[str, int]]]:
    counts: dict[str, dict[str, dict[str, int]]] = {}
    requests = {
        query.name: (query.request_body(database), query.headers(tokens))
        for query in queries
    }
    if "q1" in requests:
        requests["q1_small_pages"] = (
            {"query": checks.q1_with_small_pages()},
            QUERIES["q1"].headers(tokens),
        )

    for name, (body, headers) in requests.items():
        logs_in = name in QUERIES and QUERIES[name].logs_in
        for system in systems:
            if logs_in and system != servers.SCHOOLGQL:
                # Q4 runs only on the schoolgql system.
                continue
            if system.is_floor:
                if name not in QUERIES:
                    continue
                count = checks.count_floor_statements(database, QUERIES[name])
            else:
                count = checks.count_schoolgql_statements(
                    database, body, headers, system, jwt_signing_key
                )
            counts.setdefault(name, {})[system.name] = {
                "statements": count.statements,
                "connection_checkouts": count.connection_checkouts,
            }
    return counts


def _estimate_minutes(arguments: argparse.Namespace) -> float:
    loaded = [name for name in arguments.queries if not QUERIES[name].logs_in]
    runs = len(loaded) * len(arguments.systems)
    seconds = runs * (arguments.warmup + arguments.rounds * arguments.duration)
    if len(loaded) < len(arguments.queries):
        # Each Q4 round runs Q3 alone and Q3 with logins, which start
        # earlier and end later.
        with_logins = (
            arguments.duration + logins.LOGIN_LEAD_SECONDS + logins.LOGIN_TAIL_SECONDS
        )
        seconds += arguments.warmup + logins.LOGIN_LEAD_SECONDS
        seconds += arguments.rounds * (arguments.duration + with_logins)
    # About a minute more goes to seeding, checks and counting statements.
    return float(seconds + 60) / 60


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def _names(choices: dict[str, Any]) -> Any:
    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in choices]
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown name(s) {', '.join(unknown) or '(none)'}; "
                f"choose from {', '.join(choices)}"
            )
        return names

    return parse


def _command_line(argv: Sequence[str] | None) -> str:
    arguments = sys.argv[1:] if argv is None else list(argv)
    return shlex.join(["uv", "run", "python", "-m", "benchmarks.run", *arguments])


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
