"""Cost budgets in real Redis: atomic under concurrency, and Redis outages."""

import asyncio
import logging
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from redis.asyncio import Redis

from schoolgql.kit.ratelimit import (
    MemoryTokenBucket,
    RedisTokenBucket,
    ResilientTokenBucket,
)
from tests.conftest import make_settings, serve
from tests.graphql_client import execute

SHARED_REDIS_URL = "redis://127.0.0.1:6379/0"
# Costs 1 + 5 * 3 = 16 points.
PRICED_QUERY = "{ courses(first: 5) { edges { node { teacher { fullName } } } } }"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisProcess:
    """A redis-server of the test's own, so the test may stop and restart it."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        assert executable, "redis-server must be installed to run this test"
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            self.process.poll()
            assert self.process.returncode is None, "redis-server exited"
            import time

            time.sleep(0.02)
        raise TimeoutError(f"redis-server did not listen on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_process() -> Iterator[RedisProcess]:
    server = RedisProcess()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def shared_redis() -> AsyncIterator[Redis]:
    redis = Redis.from_url(SHARED_REDIS_URL, socket_timeout=2)
    yield redis
    await redis.aclose()


async def test_concurrent_spending_never_overspends(shared_redis: Redis) -> None:
    bucket = RedisTokenBucket(
        shared_redis,
        capacity=100,
        refill_per_second=0.0001,
        prefix=f"test:{uuid.uuid4().hex}:",
    )

    states = await asyncio.gather(*(bucket.spend("client", 7) for _ in range(50)))

    allowed = [state for state in states if state.allowed]
    assert len(allowed) == 14
    assert min(state.remaining for state in allowed) == pytest.approx(2, abs=0.01)


async def test_dry_run_spends_nothing(shared_redis: Redis) -> None:
    bucket = RedisTokenBucket(
        shared_redis,
        capacity=10,
        refill_per_second=0.0001,
        prefix=f"test:{uuid.uuid4().hex}:",
    )

    await bucket.spend("client", 4)
    peek = await bucket.spend("client", 0, dry_run=True)
    after = await bucket.spend("client", 0, dry_run=True)

    assert peek.remaining == pytest.approx(6, abs=0.01)
    assert after.remaining == pytest.approx(6, abs=0.01)


async def test_buckets_refill_over_time(shared_redis: Redis) -> None:
    bucket = RedisTokenBucket(
        shared_redis,
        capacity=10,
        refill_per_second=100,
        prefix=f"test:{uuid.uuid4().hex}:",
    )

    await bucket.spend("client", 10)
    empty = await bucket.spend("client", 5)
    await asyncio.sleep(0.1)
    refilled = await bucket.spend("client", 5)

    assert not empty.allowed
    assert empty.retry_after_seconds == pytest.approx(0.05, abs=0.02)
    assert refilled.allowed


async def test_memory_bucket_never_overspends() -> None:
    bucket = MemoryTokenBucket(capacity=100, refill_per_second=0.0001)

    states = await asyncio.gather(*(bucket.spend("client", 7) for _ in range(50)))

    assert sum(state.allowed for state in states) == 14


async def test_concurrent_requests_share_one_budget(postgres_url: str) -> None:
    settings = make_settings(
        postgres_url,
        redis_url=SHARED_REDIS_URL,
        redis_key_prefix=f"test:{uuid.uuid4().hex}:",
        rate_limit_capacity=100,
        rate_limit_refill_per_second=0.0001,
    )
    async with serve(settings) as first, serve(settings) as second:
        async with (
            httpx.AsyncClient(base_url=first.url) as first_client,
            httpx.AsyncClient(base_url=second.url) as second_client,
        ):
            responses = await asyncio.gather(
                *(
                    execute(client, PRICED_QUERY)
                    for _ in range(10)
                    for client in (first_client, second_client)
                )
            )

    statuses = sorted(response.status for response in responses)
    assert statuses == [200] * 6 + [429] * 14


async def test_redis_outage_fails_open_then_recovers(
    postgres_url: str,
    redis_process: RedisProcess,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(
        postgres_url,
        redis_url=redis_process.url,
        rate_limit_capacity=40,
        rate_limit_refill_per_second=0.0001,
        rate_limit_fail_open=True,
    )
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        before = await execute(client, PRICED_QUERY)

        redis_process.stop()
        with caplog.at_level(logging.WARNING, logger="schoolgql.kit.ratelimit"):
            during = [await execute(client, PRICED_QUERY) for _ in range(5)]

        redis_process.start()
        after = [await execute(client, PRICED_QUERY) for _ in range(3)]

    assert before.status == 200
    assert [response.status for response in during] == [200] * 5
    assert all(response.errors == [] for response in during)
    outage_logs = [
        record
        for record in caplog.records
        if "rate limit store unavailable" in record.message
    ]
    assert len(outage_logs) == 1
    # The restarted server has an empty budget store, so the bucket starts full.
    assert [response.status for response in after] == [200, 200, 429]


async def test_redis_outage_fails_closed_when_configured(
    postgres_url: str, redis_process: RedisProcess
) -> None:
    settings = make_settings(
        postgres_url,
        redis_url=redis_process.url,
        rate_limit_fail_open=False,
    )
    async with (
        serve(settings) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        redis_process.stop()
        response = await execute(client, PRICED_QUERY)
        free = await execute(client, "{ __typename }")

    assert response.status == 429
    assert response.error_codes == ["RATE_LIMITED"]
    assert free.status == 200
    assert free.data == {"__typename": "Query"}


async def test_resilient_bucket_bounds_a_hung_redis() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    # A server that accepts connections but never responds.
    redis = Redis.from_url(
        f"redis://127.0.0.1:{port}/0", socket_timeout=0.2, socket_connect_timeout=0.2
    )
    bucket = ResilientTokenBucket(
        RedisTokenBucket(redis, capacity=10, refill_per_second=1, prefix="test:"),
        fail_open=True,
    )
    try:
        state = await asyncio.wait_for(bucket.spend("client", 1), timeout=5)
    finally:
        await redis.aclose()
        listener.close()

    assert state.allowed
