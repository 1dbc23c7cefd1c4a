"""Token buckets that refill over time, shared by every server process.

A bucket holds up to `capacity` points and regains `refill_per_second`
points each second. Spending is atomic: in Redis one Lua script reads,
refills and spends, so concurrent requests cannot spend a point twice.
"""

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from schoolgql.settings import Settings

logger = logging.getLogger(__name__)

# KEYS[1] bucket key; ARGV: capacity, refill per second, cost, dry run (1/0).
# Returns {allowed (1/0), points left as a string, seconds until `cost` fits}.
_SPEND_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local dry_run = ARGV[4] == '1'
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'points', 'updated')
local points = tonumber(state[1]) or capacity
local updated = tonumber(state[2]) or now
points = math.min(capacity, points + math.max(0, now - updated) * rate)
local allowed = 0
local wait = 0
if cost <= points then
  allowed = 1
  if not dry_run then
    points = points - cost
  end
else
  wait = (cost - points) / rate
end
if not dry_run then
  redis.call('HSET', KEYS[1], 'points', tostring(points), 'updated', tostring(now))
  redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
end
return {allowed, tostring(points), tostring(wait)}
"""


@dataclass(frozen=True, slots=True)
class BucketState:
    allowed: bool
    remaining: float
    retry_after_seconds: float


class TokenBucket(Protocol):
    capacity: int
    refill_per_second: float

    async def spend(self, key: str, cost: int, *, dry_run: bool = False) -> BucketState:
        """Spend `cost` points from the bucket at `key` if it contains them."""
        ...


class RedisTokenBucket:
    def __init__(
        self,
        redis: Redis,
        *,
        capacity: int,
        refill_per_second: float,
        prefix: str,
    ) -> None:
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self._script = redis.register_script(_SPEND_SCRIPT)
        self._prefix = prefix

    async def spend(self, key: str, cost: int, *, dry_run: bool = False) -> BucketState:
        allowed, remaining, wait = await self._script(
            keys=[self._prefix + key],
            args=[self.capacity, self.refill_per_second, cost, int(dry_run)],
        )
        return BucketState(bool(allowed), float(remaining), float(wait))


class MemoryTokenBucket:
    """The same buckets in this process only, for the embedded default."""

    def __init__(self, *, capacity: int, refill_per_second: float) -> None:
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = asyncio.Lock()

    async def spend(self, key: str, cost: int, *, dry_run: bool = False) -> BucketState:
        async with self._lock:
            now = time.monotonic()
            points, updated = self._buckets.get(key, (float(self.capacity), now))
            elapsed = max(0.0, now - updated)
            points = min(self.capacity, points + elapsed * self.refill_per_second)
            if cost <= points:
                state = BucketState(True, points if dry_run else points - cost, 0.0)
            else:
                wait = (cost - points) / self.refill_per_second
                state = BucketState(False, points, wait)
            if not dry_run:
                self._buckets[key] = (state.remaining, now)
            return state


class ResilientTokenBucket:
    """Wraps a Redis bucket so that a Redis failure neither hangs nor crashes.

    While Redis fails, requests are allowed (fail open) or refused (fail
    closed) as configured, and the failure is logged at most once per
    `log_interval_seconds`.
    """

    def __init__(
        self,
        bucket: TokenBucket,
        *,
        fail_open: bool,
        log_interval_seconds: float = 30.0,
    ) -> None:
        self.capacity = bucket.capacity
        self.refill_per_second = bucket.refill_per_second
        self._bucket = bucket
        self._fail_open = fail_open
        self._log_interval = log_interval_seconds
        self._last_logged = -math.inf
        self._failures = 0

    async def spend(self, key: str, cost: int, *, dry_run: bool = False) -> BucketState:
        try:
            return await self._bucket.spend(key, cost, dry_run=dry_run)
        except (RedisError, OSError, TimeoutError) as error:
            self._log_failure(error)
            if self._fail_open:
                return BucketState(True, float(self.capacity), 0.0)
            return BucketState(False, 0.0, 1.0)

    def _log_failure(self, error: Exception) -> None:
        self._failures += 1
        now = time.monotonic()
        if now - self._last_logged >= self._log_interval:
            logger.warning(
                "rate limit store unavailable (%d failures so far), requests are "
                "%s: %s",
                self._failures,
                "allowed" if self._fail_open else "refused",
                error,
            )
            self._last_logged = now


class UnlimitedBucket:
    """A bucket that allows everything, for deployments that turn limits off."""

    def __init__(self, *, capacity: int, refill_per_second: float) -> None:
        self.capacity = capacity
        self.refill_per_second = refill_per_second

    async def spend(self, key: str, cost: int, *, dry_run: bool = False) -> BucketState:
        return BucketState(True, float(self.capacity), 0.0)


def create_rate_limiter(settings: Settings, redis: Redis | None) -> TokenBucket:
    """Pick the budget store: Redis when configured, else this process's memory."""
    capacity = settings.rate_limit_capacity
    refill = settings.rate_limit_refill_per_second
    if not settings.rate_limit_enabled:
        return UnlimitedBucket(capacity=capacity, refill_per_second=refill)
    if redis is None:
        return MemoryTokenBucket(capacity=capacity, refill_per_second=refill)
    return ResilientTokenBucket(
        RedisTokenBucket(
            redis,
            capacity=capacity,
            refill_per_second=refill,
            prefix=f"{settings.redis_key_prefix}budget:",
        ),
        fail_open=settings.rate_limit_fail_open,
    )
