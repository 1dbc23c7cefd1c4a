"""Checks run before any load: equal data everywhere, and SQL statement counts.

Statements are counted in this process, not in the servers under load. The
app is built against the benchmark database, and each query is sent once to
warm it up and once to count. A `before_cursor_execute` listener on the
app's engine counts what SQLAlchemy sends. pg_stat_statements would count
the real servers, but it needs `shared_preload_libraries`, a change to the
PostgreSQL server's configuration that this benchmark does not make.
"""

import asyncio
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import orjson
from sqlalchemy import event

from benchmarks import floor
from benchmarks.auth import Tokens
from benchmarks.dataset import Dataset
from benchmarks.queries import QUERIES, Query
from benchmarks.servers import Server, System, schoolgql_settings
from schoolgql.app import create_app

# Q1 with pages of other sizes: statements per request must not change.
Q1_SMALL_PAGES = (
    ("courses(first: 20)", "courses(first: 5)"),
    ("enrollments(first: 50)", "enrollments(first: 10)"),
)


class DataMismatchError(RuntimeError):
    """Two systems returned different data, or one returned errors."""


@dataclass(frozen=True)
class StatementCount:
    statements: int
    # Pool checkouts; on asyncpg each one also sends BEGIN and ROLLBACK.
    connection_checkouts: int


def fetch_data(
    server: Server, query: Query, dataset: Dataset, tokens: Tokens | None
) -> Any:
    """Send the query once and return its `data`; raise if it has errors.

    The floor receives the same headers as schoolgql and ignores them.
    """
    body = b"" if server.system.is_floor else orjson.dumps(query.request_body(dataset))
    request = urllib.request.Request(
        server.query_url(query.name),
        data=body,
        headers={"content-type": "application/json", **query.headers(tokens)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        payload = json.loads(response.read())
    if payload.get("errors") or payload.get("data") is None:
        raise DataMismatchError(
            f"{server.system.name} returned errors for {query.name}: "
            f"{json.dumps(payload.get('errors'))[:2000]}"
        )
    return payload["data"]


def check_same_data(
    servers: list[Server],
    queries: list[Query],
    dataset: Dataset,
    tokens: Tokens | None,
    log_dir: Path,
) -> None:
    """Raise DataMismatchError unless every server returns equal data per query.

    Data is compared as JSON with sorted keys, so member order may differ but
    list order, values and types may not.
    """
    for query in queries:
        normalized = {
            server.system.name: json.dumps(
                fetch_data(server, query, dataset, tokens), sort_keys=True, indent=1
            )
            for server in servers
        }
        reference_name, reference = next(iter(normalized.items()))
        for name, text in normalized.items():
            if text == reference:
                continue
            for system_name, system_text in ((reference_name, reference), (name, text)):
                (log_dir / f"{query.name}-{system_name}.json").write_text(system_text)
            raise DataMismatchError(
                f"{name} and {reference_name} returned different data for "
                f"{query.name}; both are written to {log_dir}"
            )


def q1_with_small_pages() -> str:
    document = QUERIES["q1"].document
    for old, new in Q1_SMALL_PAGES:
        if old not in document:
            raise RuntimeError(f"q1.graphql no longer contains {old!r}")
        document = document.replace(old, new)
    return document


def count_schoolgql_statements(
    dataset: Dataset,
    body: dict[str, Any],
    headers: dict[str, str],
    system: System,
    jwt_signing_key: str,
) -> StatementCount:
    """Count the statements of one request to an in-process app of `system`.

    The app gets the same settings as the system's server, including the
    run's JWT signing key, so the servers' access tokens are valid here.
    """
    return asyncio.run(
        _count_schoolgql(dataset, body, headers, system, jwt_signing_key)
    )


def count_floor_statements(dataset: Dataset, query: Query) -> StatementCount:
    return asyncio.run(_count_floor(dataset, query))


async def _count_schoolgql(
    dataset: Dataset,
    body: dict[str, Any],
    headers: dict[str, str],
    system: System,
    jwt_signing_key: str,
) -> StatementCount:
    app = create_app(schoolgql_settings(system, dataset, jwt_signing_key))
    engine = app.state.database.engine.sync_engine
    counts = {"statements": 0, "checkouts": 0}

    def count_statement(*_: Any) -> None:
        counts["statements"] += 1

    def count_checkout(*_: Any) -> None:
        counts["checkouts"] += 1

    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://app"
        ) as client:
            # The first request also opens connections and fills caches.
            warm_up = await client.post("/graphql", json=body, headers=headers)
            warm_up.raise_for_status()
            event.listen(engine, "before_cursor_execute", count_statement)
            event.listen(engine, "checkout", count_checkout)
            response = await client.post("/graphql", json=body, headers=headers)
            response.raise_for_status()
    finally:
        await app.state.database.dispose()
    if "errors" in response.json():
        raise DataMismatchError(f"schoolgql returned errors: {response.text[:2000]}")
    return StatementCount(counts["statements"], counts["checkouts"])


async def _count_floor(dataset: Dataset, query: Query) -> StatementCount:
    handler = floor.handlers(dataset.q2_student_row_id)[query.name]
    statements = 0

    def count_statement(_: Any) -> None:
        nonlocal statements
        statements += 1

    connection = await asyncpg.connect(dataset.dsn)
    try:
        # The first call also looks up the types of the parameters.
        await handler(connection)
        connection.add_query_logger(count_statement)
        await handler(connection)
    finally:
        await connection.close()
    return StatementCount(statements, connection_checkouts=1)
