"""Each user's current token version, cached for the check on every request.

A token is valid only while its `ver` claim equals the user's version, so
bumping the version revokes every earlier token at once. The version is
cached in Redis, which every server process shares. When Redis fails or is
not configured, the check reads the database, never an older copy.
"""

import logging
import math
import time

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import repository
from schoolgql.accounts.errors import TokenRevocationUnavailable
from schoolgql.database import Database
from schoolgql.kit.cache import Cache, CacheUnavailable

logger = logging.getLogger(__name__)

WARNING_INTERVAL_SECONDS = 30.0


class TokenVersions:
    def __init__(
        self, cache: Cache | None, database: Database, *, ttl_seconds: int
    ) -> None:
        self._cache = cache
        self._database = database
        self._ttl_seconds = ttl_seconds
        self._failures = 0
        self._last_warning = -math.inf

    async def current(self, user_id: int) -> int | None:
        """Return the user's token version, or None for a missing or inactive user."""
        if self._cache is None:
            return await self._load(user_id)
        key = _key(user_id)
        try:
            cached = await self._cache.get(key)
        except CacheUnavailable as error:
            self._warn("read", error)
            return await self._load(user_id)
        if cached is not None:
            return int(cached)

        version = await self._load(user_id)
        if version is None:
            return None
        try:
            # A concurrent bump may have stored a greater version meanwhile;
            # raise_to keeps it.
            return await self._cache.raise_to(
                key, version, ttl_seconds=self._ttl_seconds
            )
        except CacheUnavailable as error:
            self._warn("store", error)
            return version

    async def publish(self, user_id: int, version: int) -> None:
        """Store a bumped version before its transaction commits.

        If the commit then fails, tokens of the old version are rejected
        until the entry expires, which errs on the safe side. If the cache
        fails, TokenRevocationUnavailable rolls the bump back, so no process
        keeps accepting revoked tokens from a stale cache entry.
        """
        if self._cache is None:
            return
        try:
            await self._cache.raise_to(
                _key(user_id), version, ttl_seconds=self._ttl_seconds
            )
        except CacheUnavailable as error:
            logger.error("token version cache failed during a revocation: %s", error)
            raise TokenRevocationUnavailable() from error

    def _warn(self, operation: str, error: CacheUnavailable) -> None:
        # While Redis is down every request fails here, so one line per
        # interval reports how many failed.
        self._failures += 1
        now = time.monotonic()
        if now - self._last_warning >= WARNING_INTERVAL_SECONDS:
            logger.warning(
                "token version cache failed to %s, %d failures since the last "
                "warning; reading the database: %s",
                operation,
                self._failures,
                error,
            )
            self._failures = 0
            self._last_warning = now

    async def _load(self, user_id: int) -> int | None:
        async with self._database.read_session() as session:
            return await _active_version(session, user_id)


async def _active_version(session: AsyncSession, user_id: int) -> int | None:
    state = await repository.get_token_state(session, user_id)
    if state is None or not state.is_active:
        return None
    return state.token_version


def _key(user_id: int) -> str:
    return f"token-version:{user_id}"
