"""Counters of credential attempts in fixed time windows.

Each key counts attempts from the first one in its window until the window
expires. Redis stores the counters for every server process, and one Lua script
increments all keys of an attempt, so concurrent attempts count exactly.
"""

import logging
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from schoolgql.settings import Settings

logger = logging.getLogger(__name__)

# KEYS: counters; ARGV[1]: window in seconds. Returns count and TTL per key.
_HIT_SCRIPT = """
local result = {}
for index, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then
    redis.call('EXPIRE', key, tonumber(ARGV[1]))
  end
  local ttl = redis.call('TTL', key)
  if ttl < 0 then
    redis.call('EXPIRE', key, tonumber(ARGV[1]))
    ttl = tonumber(ARGV[1])
  end
  result[2 * index - 1] = count
  result[2 * index] = ttl
end
return result
"""


@dataclass(frozen=True, slots=True)
class Count:
    attempts: int
    seconds_left: float


class AttemptCounter(Protocol):
    async def hit(self, keys: list[str], *, window_seconds: int) -> list[Count]:
        """Count one attempt on every key; return each key's count in its window."""
        ...


class RedisAttemptCounter:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._script = redis.register_script(_HIT_SCRIPT)
        self._prefix = prefix

    async def hit(self, keys: list[str], *, window_seconds: int) -> list[Count]:
        raw = await self._script(
            keys=[self._prefix + key for key in keys], args=[window_seconds]
        )
        return [
            Count(int(raw[index]), float(raw[index + 1]))
            for index in range(0, len(raw), 2)
        ]


class MemoryAttemptCounter:
    """The same counters in this process only, for the embedded default."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}

    async def hit(self, keys: list[str], *, window_seconds: int) -> list[Count]:
        now = time.monotonic()
        counts = []
        for key in keys:
            attempts, ends_at = self._windows.get(key, (0, now + window_seconds))
            if ends_at <= now:
                attempts, ends_at = 0, now + window_seconds
            attempts += 1
            self._windows[key] = (attempts, ends_at)
            counts.append(Count(attempts, ends_at - now))
        return counts


class ResilientAttemptCounter:
    """Keeps requests flowing or stops them, as configured, while Redis fails."""

    def __init__(
        self,
        counter: AttemptCounter,
        *,
        fail_open: bool,
        log_interval_seconds: float = 30.0,
    ) -> None:
        self._counter = counter
        self._fail_open = fail_open
        self._log_interval = log_interval_seconds
        self._last_logged = float("-inf")
        self._failures = 0

    async def hit(self, keys: list[str], *, window_seconds: int) -> list[Count]:
        try:
            return await self._counter.hit(keys, window_seconds=window_seconds)
        except (RedisError, OSError, TimeoutError) as error:
            self._failures += 1
            now = time.monotonic()
            if now - self._last_logged >= self._log_interval:
                logger.warning(
                    "attempt counter store unavailable (%d failures so far), "
                    "credential attempts are %s: %s",
                    self._failures,
                    "allowed" if self._fail_open else "refused",
                    error,
                )
                self._last_logged = now
            # Failing closed reports every key as over any limit for a minute.
            attempts = 0 if self._fail_open else 2**31
            return [Count(attempts, 60.0) for _ in keys]


def create_attempt_counter(settings: Settings, redis: Redis | None) -> AttemptCounter:
    """Count in Redis when configured, else in this process's memory."""
    if redis is None:
        return MemoryAttemptCounter()
    return ResilientAttemptCounter(
        RedisAttemptCounter(redis, prefix=f"{settings.redis_key_prefix}attempts:"),
        fail_open=settings.rate_limit_fail_open,
    )
