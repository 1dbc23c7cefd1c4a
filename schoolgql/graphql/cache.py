"""Per-field caching: a field declares a TTL, a scope and the tags it reads.

Keys carry the parent type, field, parent id, arguments, scope and tag
versions, so a private value is only ever served to the viewer it was
computed for. Values are stored as JSON (orjson), never pickled: only the
GraphQL object types registered here can be rebuilt from the cache.
"""

import dataclasses
import enum
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime
from typing import Any, Literal

import orjson
from aiodataloader import DataLoader
from strawberry.extensions import FieldExtension

from schoolgql.graphql.context import Info
from schoolgql.kit.cache import CacheUnavailable
from schoolgql.kit.fieldcache import FieldCacheStore

logger = logging.getLogger(__name__)

Scope = Literal["public", "private"]
TagsOf = Callable[[Any, dict[str, Any]], Iterable[str]]

_TYPE = "$type"
_CACHEABLE: dict[str, type[Any]] = {}
_ENUMS: dict[str, type[enum.Enum]] = {}


def cacheable(*classes: type[Any]) -> None:
    """Allow instances of these dataclasses and enums to be rebuilt from cache."""
    for cls in classes:
        if issubclass(cls, enum.Enum):
            _ENUMS[cls.__name__] = cls
        else:
            _CACHEABLE[cls.__name__] = cls


def encode(value: Any) -> bytes:
    return orjson.dumps(_to_json(value))


def decode(raw: bytes) -> Any:
    return _from_json(orjson.loads(raw))


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return {_TYPE: "enum", "class": type(value).__name__, "value": value.value}
    if isinstance(value, datetime):
        return {_TYPE: "datetime", "value": value.isoformat()}
    if isinstance(value, date):
        return {_TYPE: "date", "value": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _CACHEABLE.get(name) is not type(value):
            raise TypeError(f"{name} is not registered with cacheable()")
        # Fields with resolvers are not constructor arguments; they resolve
        # again on the rebuilt object.
        fields = {
            field.name: _to_json(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init
        }
        return {_TYPE: name, "fields": fields}
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot cache a value of type {type(value).__name__}")


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value[_TYPE]
    if kind == "enum":
        return _ENUMS[value["class"]](value["value"])
    if kind == "datetime":
        return datetime.fromisoformat(value["value"])
    if kind == "date":
        return date.fromisoformat(value["value"])
    cls = _CACHEABLE[kind]
    fields = {name: _from_json(item) for name, item in value["fields"].items()}
    return cls(**fields)


class CacheReads:
    """Batches a request's cache reads: sibling fields share one MGET per kind."""

    def __init__(self, store: FieldCacheStore) -> None:
        self.versions: DataLoader[str, int] = DataLoader(store.tag_versions)
        self.values: DataLoader[str, bytes | None] = DataLoader(store.get_many)


def cache_reads(info: Info) -> CacheReads:
    context = info.context
    reads: CacheReads | None = getattr(context, "_cache_reads", None)
    if reads is None:
        assert context.field_cache is not None
        reads = CacheReads(context.field_cache)
        context._cache_reads = reads  # type: ignore[attr-defined]
    return reads


class CachedField(FieldExtension):
    """Serves the field from the cache while the tags it reads are unchanged.

    Permission checks declared on the field run before this extension, so
    a cached value is never served to a caller the field rejects.
    """

    def __init__(self, *, ttl_seconds: int, scope: Scope, tags: TagsOf) -> None:
        super().__init__()
        self.ttl_seconds = ttl_seconds
        self.scope = scope
        self.tags = tags

    async def resolve_async(
        self,
        next_: Callable[..., Awaitable[Any]],
        source: Any,
        info: Info,
        **kwargs: Any,
    ) -> Any:
        store = info.context.field_cache
        scope_key = await self._scope_key(info)
        if store is None or scope_key is None:
            return await next_(source, info, **kwargs)

        tags = sorted(set(self.tags(source, kwargs)))
        reads = cache_reads(info)
        try:
            versions = await reads.versions.load_many(tags)
            key = self._key(info, source, kwargs, scope_key, tags, versions)
            cached = await reads.values.load(key)
        except CacheUnavailable as error:
            _log_unavailable(error)
            return await next_(source, info, **kwargs)
        if cached is not None:
            return decode(cached)

        value = await next_(source, info, **kwargs)
        try:
            await store.set(key, encode(value), ttl_seconds=self.ttl_seconds)
        except CacheUnavailable as error:
            _log_unavailable(error)
        return value

    async def _scope_key(self, info: Info) -> str | None:
        if self.scope == "public":
            return "public"
        viewer = await info.context.viewer()
        # Anonymous callers see only public data, which this field is not.
        return None if viewer is None else f"user:{viewer.user_id}"

    def _key(
        self,
        info: Info,
        source: Any,
        arguments: dict[str, Any],
        scope_key: str,
        tags: list[str],
        versions: list[int],
    ) -> str:
        parent_id = getattr(source, "row_id", None)
        identity = orjson.dumps(
            [
                info.path.typename,
                info.field_name,
                parent_id,
                _to_json_arguments(arguments),
                scope_key,
                [
                    f"{tag}@{version}"
                    for tag, version in zip(tags, versions, strict=True)
                ],
            ]
        )
        return hashlib.sha256(identity).hexdigest()


def _to_json_arguments(arguments: dict[str, Any]) -> Any:
    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, enum.Enum):
            return value.value
        return value

    return {name: plain(value) for name, value in sorted(arguments.items())}


_last_logged = float("-inf")
# Failures are logged at most once per interval so an outage cannot flood the log.
_LOG_INTERVAL_SECONDS = 30.0


def _log_unavailable(error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_INTERVAL_SECONDS:
        logger.warning("field cache unavailable, reading the database: %s", error)
        _last_logged = now
