"""The process's Redis client, created only when a Redis URL is configured."""

from redis.asyncio import Redis

from schoolgql.settings import Settings


def create_redis(settings: Settings) -> Redis | None:
    """Create a client whose every call gives up after the configured timeout."""
    if not settings.redis_url:
        return None
    return Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        health_check_interval=30,
    )
