"""Account tests run against real Redis, each test under its own key prefix."""

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from schoolgql.settings import Settings
from tests.conftest import make_settings

REDIS_URL = os.environ.get("SCHOOLGQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    prefix = f"schoolgql-test:{uuid.uuid4().hex}:"
    yield prefix
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest.fixture
def settings(postgres_url: str, redis_prefix: str) -> Settings:
    return make_settings(
        postgres_url,
        redis_url=REDIS_URL,
        redis_key_prefix=redis_prefix,
        cache_key_prefix=redis_prefix,
    )
