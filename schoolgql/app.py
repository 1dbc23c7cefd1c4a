"""The ASGI application: routes, middleware and the lifespan of the engine."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from schoolgql import migrations
from schoolgql.accounts.security import create_security
from schoolgql.database import Database
from schoolgql.graphql.schema import schema
from schoolgql.graphql.view import GraphQLView
from schoolgql.kit.cache import RedisCache
from schoolgql.kit.attempts import create_attempt_counter
from schoolgql.kit.fieldcache import create_field_cache_store
from schoolgql.kit.ratelimit import create_rate_limiter
from schoolgql.kit.redis import create_redis
from schoolgql.mail.outbox import install_dispatcher
from schoolgql.requests import MaxBodySizeMiddleware, RequestIdMiddleware
from schoolgql.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    database = Database(settings)
    mail_dispatcher = install_dispatcher(settings, database)
    redis = create_redis(settings)
    # Without Redis, token versions are read from the database on every
    # request: a per-process cache would miss revocations made by the other
    # worker processes.
    version_cache = (
        None if redis is None else RedisCache(redis, prefix=settings.cache_key_prefix)
    )
    security = create_security(settings, database, version_cache)
    view = GraphQLView(
        schema=schema,
        settings=settings,
        database=database,
        rate_limiter=create_rate_limiter(settings, redis),
        attempt_counter=create_attempt_counter(settings, redis),
        field_cache=(
            create_field_cache_store(redis, prefix=settings.redis_key_prefix)
            if settings.field_cache_enabled
            else None
        ),
        security=security,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A failed start-up closes everything too, so the schema check does
        # not leave its database connection open.
        try:
            if settings.uses_embedded_database:
                # Only the embedded SQLite file migrates itself; a shared
                # database is upgraded on purpose with `schoolgql migrate`.
                await migrations.upgrade(database.engine)
            await migrations.check_up_to_date(database.engine)
            url = database.engine.url.render_as_string()
            logger.info("started with database %s", url)
            yield
        finally:
            await mail_dispatcher.close()
            await database.dispose()
            security.close()
            if redis is not None:
                await redis.aclose()
            logger.info("stopped")

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        try:
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            logger.exception("readiness check failed: database unreachable")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(MaxBodySizeMiddleware, max_bytes=settings.max_request_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id"],
            )
        )

    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.settings = settings
    return app
