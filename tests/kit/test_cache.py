"""The Redis and in-memory caches behave alike; Redis failures raise."""

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from schoolgql.kit.cache import Cache, CacheUnavailable, MemoryCache, RedisCache

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["redis", "memory"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield MemoryCache()
        return
    prefix = f"schoolgql-test:{uuid.uuid4().hex}:"
    redis = Redis.from_url(REDIS_URL, socket_timeout=1)
    try:
        yield RedisCache(redis, prefix=prefix)
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def test_cache_get_set_delete(cache: Cache) -> None:
    assert await cache.get("a") is None

    await cache.set("a", "1", ttl_seconds=60)
    stored = await cache.get("a")
    await cache.delete("a")

    assert stored == "1"
    assert await cache.get("a") is None


async def test_cache_raise_to_keeps_greater(cache: Cache) -> None:
    first = await cache.raise_to("version", 3, ttl_seconds=60)
    lower = await cache.raise_to("version", 2, ttl_seconds=60)
    higher = await cache.raise_to("version", 5, ttl_seconds=60)

    assert (first, lower, higher) == (3, 3, 5)
    assert await cache.get("version") == "5"


async def test_redis_cache_unreachable_raises() -> None:
    # Nothing listens on port 1, so every call fails at once.
    redis = Redis.from_url(
        "redis://127.0.0.1:1/0", socket_timeout=0.2, socket_connect_timeout=0.2
    )
    cache = RedisCache(redis, prefix="schoolgql-test:")
    try:
        with pytest.raises(CacheUnavailable):
            await cache.get("a")
        with pytest.raises(CacheUnavailable):
            await cache.raise_to("a", 1, ttl_seconds=60)
    finally:
        await redis.aclose()
