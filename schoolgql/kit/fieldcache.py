"""Storage for cached field values, with versioned tags for invalidation.

A cached value's key includes the current version of every tag it depends
on. A write bumps the versions of the tags it changed after its
transaction commits, so later reads compute new keys and miss, and a read
that began before the bump can only store its result under the old,
unreachable key.
"""

import time
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from schoolgql.kit.cache import CacheUnavailable

# Versions outlive every value stored under them.
TAG_TTL_SECONDS = 7 * 24 * 3600


class FieldCacheStore(Protocol):
    async def tag_versions(self, tags: list[str]) -> list[int]: ...

    async def bump(self, tags: list[str]) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def get_many(self, keys: list[str]) -> list[bytes | None]: ...

    async def set(self, key: str, value: bytes, *, ttl_seconds: int) -> None: ...


class RedisFieldCacheStore:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def tag_versions(self, tags: list[str]) -> list[int]:
        if not tags:
            return []
        try:
            values = await self._redis.mget([self._tag_key(tag) for tag in tags])
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error
        return [int(value) if value is not None else 0 for value in values]

    async def bump(self, tags: list[str]) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipeline:
                for tag in tags:
                    pipeline.incr(self._tag_key(tag))
                    pipeline.expire(self._tag_key(tag), TAG_TTL_SECONDS)
                await pipeline.execute()
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._redis.get(self._prefix + "value:" + key)
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error
        return value.encode() if isinstance(value, str) else value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        try:
            values = await self._redis.mget(
                [self._prefix + "value:" + key for key in keys]
            )
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error
        return [value.encode() if isinstance(value, str) else value for value in values]

    async def set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        try:
            await self._redis.set(self._prefix + "value:" + key, value, ex=ttl_seconds)
        except (RedisError, OSError) as error:
            raise CacheUnavailable(str(error)) from error

    def _tag_key(self, tag: str) -> str:
        return self._prefix + "tag:" + tag


class MemoryFieldCacheStore:
    """The same store in this process only, for the embedded default."""

    def __init__(self, *, max_entries: int = 10_000) -> None:
        self._versions: dict[str, int] = {}
        self._values: dict[str, tuple[bytes, float]] = {}
        self._max_entries = max_entries

    async def tag_versions(self, tags: list[str]) -> list[int]:
        return [self._versions.get(tag, 0) for tag in tags]

    async def bump(self, tags: list[str]) -> None:
        for tag in tags:
            self._versions[tag] = self._versions.get(tag, 0) + 1

    async def get(self, key: str) -> bytes | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if expires_at <= time.monotonic():
            del self._values[key]
            return None
        return value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        if len(self._values) >= self._max_entries:
            self._evict_expired()
            if len(self._values) >= self._max_entries:
                # Drop the oldest entry; dicts keep insertion order.
                self._values.pop(next(iter(self._values)))
        self._values[key] = (value, time.monotonic() + ttl_seconds)

    def _evict_expired(self) -> None:
        now = time.monotonic()
        for key in [key for key, (_, ends) in self._values.items() if ends <= now]:
            del self._values[key]


def create_field_cache_store(redis: Redis | None, *, prefix: str) -> FieldCacheStore:
    if redis is None:
        return MemoryFieldCacheStore()
    return RedisFieldCacheStore(redis, prefix=f"{prefix}fields:")


_CHANGED_TAGS_KEY = "schoolgql.cache.changed_tags"


def pop_changed_tags(session: Any) -> list[str]:
    """Return and forget the tags the session's writes changed.

    The unit of work bumps them after it commits, and drops them when it
    rolls back.
    """
    changed: set[str] = session.info.pop(_CHANGED_TAGS_KEY, set())
    return sorted(changed)


_TAGS_BY_MODEL: dict[type[Any], tuple[str, ...]] = {}


def invalidate_on_change(model: type[Any], *tags: str) -> None:
    """Bump `tags` after any transaction that writes a row of `model` commits.

    Writes through the ORM unit of work and ORM-enabled bulk UPDATE and
    DELETE statements are both seen, so no service can forget to mark them.
    """
    _TAGS_BY_MODEL[model] = tuple(sorted({*_TAGS_BY_MODEL.get(model, ()), *tags}))


@event.listens_for(Session, "before_flush")
def _mark_flushed_rows(session: Session, *_: Any) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        tags = _tags_for(type(row))
        if tags:
            session.info.setdefault(_CHANGED_TAGS_KEY, set()).update(tags)


@event.listens_for(Session, "do_orm_execute")
def _mark_bulk_statements(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    tags = _tags_for(mapper.class_) if mapper is not None else ()
    if tags:
        state.session.info.setdefault(_CHANGED_TAGS_KEY, set()).update(tags)


def _tags_for(model: type[Any]) -> tuple[str, ...]:
    for cls in model.__mro__:
        tags = _TAGS_BY_MODEL.get(cls)
        if tags:
            return tags
    return ()
