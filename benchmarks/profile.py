"""Measure schoolgql's CPU time per request in one process, for profiling.

Run from the repository root:

    uv run python -m benchmarks.profile --queries q1,q3 --requests 100

It seeds a fresh database as benchmarks.run does, builds the app in this
process with the settings of the `schoolgql` system, logs in the same
viewers, and sends each query through httpx's ASGI transport, without a
network or a server. It prints the process's CPU time per request, which
includes the client's share, so compare figures of this script with each
other, not with the load runs. `--cprofile N` prints the N functions with
the most own time. To sample instead, run the command under py-spy, whose
`--format raw` output folds into shares per function.
"""

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from collections.abc import Sequence
from typing import Any

import httpx

from benchmarks import dataset
from benchmarks.auth import Tokens, access_token, log_in_body
from benchmarks.dataset import Account, Dataset
from benchmarks.queries import QUERIES
from benchmarks.servers import SCHOOLGQL, new_jwt_signing_key, schoolgql_settings
from schoolgql.app import create_app
from schoolgql.kit.collector import tune_for_serving

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
WARM_UP_REQUESTS = 3


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    names = [name.strip() for name in arguments.queries.split(",")]
    unknown = [
        name for name in names if QUERIES.get(name) is None or QUERIES[name].logs_in
    ]
    if unknown:
        print(
            f"benchmarks.profile: unknown or login query {', '.join(unknown)}; "
            "choose from q1, q2, q3",
            file=sys.stderr,
        )
        return 2
    database = dataset.create(arguments.postgres_url)
    try:
        log: list[str] = []
        database = dataset.migrate_and_seed(database, log=log)
        dataset.post_all_grades(database, log=log)
        database = dataset.create_accounts(database, log=log)
        asyncio.run(_measure(database, arguments))
    finally:
        dataset.drop(database)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile",
        description="Measure schoolgql's CPU time per request in one process.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--queries",
        default="q1,q2,q3",
        help="comma-separated queries among " + ", ".join(QUERIES),
    )
    parser.add_argument(
        "--requests", type=int, default=100, help="measured requests per query"
    )
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="profile the measured requests and print the N functions with the "
        "most own time; 0 profiles nothing",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_SERVER_URL,
        help="PostgreSQL server to create the database on",
    )
    return parser


async def _measure(database: Dataset, arguments: argparse.Namespace) -> None:
    app = create_app(schoolgql_settings(SCHOOLGQL, database, new_jwt_signing_key()))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://app") as client,
    ):
        tokens = Tokens(
            admin=await _log_in(client, database.admin),
            student=await _log_in(client, database.q2_student),
        )
        tune_for_serving()
        for name in arguments.queries.split(","):
            query = QUERIES[name.strip()]
            headers = query.headers(tokens)
            body = query.request_body(database)
            await _send(client, body, headers, WARM_UP_REQUESTS)
            profiler = cProfile.Profile() if arguments.cprofile else None
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            await _send(client, body, headers, arguments.requests)
            if profiler is not None:
                profiler.disable()
            cpu_ms = (time.process_time() - started) * 1000 / arguments.requests
            print(f"{query.name}: {cpu_ms:.2f} ms of CPU per request", flush=True)
            if profiler is not None:
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("tottime").print_stats(arguments.cprofile)


async def _send(
    client: httpx.AsyncClient,
    body: dict[str, Any],
    headers: dict[str, str],
    requests: int,
) -> None:
    for _ in range(requests):
        response = await client.post("/graphql", json=body, headers=headers)
        # A byte search, so that decoding the body adds no client CPU.
        if response.status_code != 200 or b'"errors"' in response.content:
            raise RuntimeError(
                f"the query returned HTTP {response.status_code} or GraphQL "
                f"errors: {response.text[:2000]}"
            )


async def _log_in(client: httpx.AsyncClient, account: Account | None) -> str:
    if account is None:
        raise RuntimeError("create the accounts with dataset.create_accounts first")
    response = await client.post("/graphql", json=log_in_body(account))
    return access_token(response.json(), account)


if __name__ == "__main__":
    sys.exit(main())
