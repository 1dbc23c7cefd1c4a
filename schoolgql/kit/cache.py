"""Key-value caches: Redis shared by every process, or memory in one process.

Callers treat a cache as optional: `CacheUnavailable` means the backend
failed or timed out, and the caller reads the source of truth instead.
"""

import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

# KEYS[1] the key; ARGV: the new integer value, seconds to keep it.
# Stores the value unless the key already contains a greater integer, so a
# reader that fetched an old value cannot overwrite a newer one.
_RAISE_TO_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current > tonumber(ARGV[1]) then
  return current
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return tonumber(ARGV[1])
"""


class CacheUnavailable(Exception):
    """The cache backend failed or timed out; read the source of truth."""


class Cache(Protocol):
    async def get(self, key: str) -> str | None:
        """Return the value at `key`, or None when it is absent or expired."""
        ...

    async def set(self, key: str, value: str, *, ttl_seconds: int) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def raise_to(self, key: str, value: int, *, ttl_seconds: int) -> int:
        """Store `value` unless a greater integer is stored; return the stored one."""
        ...


class RedisCache:
    """A cache in Redis; every call is bounded by the client's socket timeout."""

    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._raise_to = redis.register_script(_RAISE_TO_SCRIPT)

    async def get(self, key: str) -> str | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error
        return None if value is None else _decode(value)

    async def set(self, key: str, value: str, *, ttl_seconds: int) -> None:
        try:
            await self._redis.set(self._prefix + key, value, ex=ttl_seconds)
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error

    async def delete(self, key: str) -> None:
        try:
            await self._redis.delete(self._prefix + key)
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error

    async def raise_to(self, key: str, value: int, *, ttl_seconds: int) -> int:
        try:
            stored = await self._raise_to(
                keys=[self._prefix + key], args=[value, ttl_seconds]
            )
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error
        return int(stored)


class MemoryCache:
    """A cache in this process only, for the embedded single-process default."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, float]] = {}

    async def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if expires_at <= time.monotonic():
            del self._entries[key]
            return None
        return value

    async def set(self, key: str, value: str, *, ttl_seconds: int) -> None:
        self._entries[key] = (value, time.monotonic() + ttl_seconds)

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def raise_to(self, key: str, value: int, *, ttl_seconds: int) -> int:
        # No await between the read and the write, so this is atomic.
        current = await self.get(key)
        if current is not None and int(current) > value:
            return int(current)
        await self.set(key, str(value), ttl_seconds=ttl_seconds)
        return value


def _decode(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
