"""The per-request context every resolver receives as `info.context`."""

import asyncio
import logging
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from schoolgql.accounts import service as accounts
from schoolgql.accounts.security import Security
from schoolgql.accounts.viewer import Viewer
from schoolgql.database import Database
from schoolgql.graphql.loaders import Loaders
from schoolgql.kit.attempts import AttemptCounter
from schoolgql.kit.cache import CacheUnavailable
from schoolgql.kit.errors import DomainError, Unauthenticated
from schoolgql.kit.fieldcache import FieldCacheStore, pop_changed_tags
from schoolgql.kit.pagination import PageLimits, PageRequest, parse_page_request
from schoolgql.kit.ratelimit import TokenBucket
from schoolgql.models.refresh_token_family import CLIENT_MAX_LENGTH
from schoolgql.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class RequestContext:
    request: Request
    response: Response
    request_id: str
    settings: Settings
    database: Database
    loaders: Loaders = field(repr=False)
    rate_limiter: TokenBucket = field(repr=False)
    attempt_counter: AttemptCounter = field(repr=False)
    field_cache: FieldCacheStore | None = field(repr=False)
    security: Security = field(repr=False)
    _viewer: "asyncio.Future[Viewer | None] | None" = field(
        default=None, init=False, repr=False
    )
    # The viewer of `_settled_future` once it finished, read by every plain
    # field with a permission rule.
    _settled_future: "asyncio.Future[Viewer | None] | None" = field(
        default=None, init=False, repr=False
    )
    _settled_viewer: Viewer | None = field(default=None, init=False, repr=False)

    async def viewer(self) -> Viewer | None:
        """Return the caller, or None when the request has no Authorization header.

        The token is verified once per request, on first use. A header with
        an invalid or revoked access token raises Unauthenticated.
        """
        if self._viewer is None:
            self._viewer = asyncio.ensure_future(self._authenticate())
        # Shielded, so a cancelled resolver does not cancel it for the others.
        return await asyncio.shield(self._viewer)

    def settled_viewer(self) -> tuple[bool, Viewer | None]:
        """Return (True, viewer) once authentication has finished without an error.

        Returns (False, None) before the first `viewer()` call completes and
        after a failed one, so callers that need a result now fall back to
        awaiting `viewer()`.
        """
        future = self._viewer
        if future is None:
            return False, None
        if future is self._settled_future:
            return True, self._settled_viewer
        if not future.done() or future.cancelled() or future.exception() is not None:
            return False, None
        # log_in_as() replaces the future, so a new viewer is read again.
        self._settled_future = future
        self._settled_viewer = future.result()
        return True, self._settled_viewer

    def log_in_as(self, viewer: Viewer) -> None:
        """Resolve the rest of this request as `viewer`, who just logged in."""
        future: asyncio.Future[Viewer | None] = (
            asyncio.get_running_loop().create_future()
        )
        future.set_result(viewer)
        self._viewer = future

    def bearer_token(self) -> str | None:
        """Return the token of `Authorization: Bearer <token>`, None without one."""
        header = self.request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "The Authorization header must be `Bearer <access token>`."
            )
        return token.strip()

    @property
    def client_description(self) -> str | None:
        """The User-Agent, cut to fit and without control characters."""
        user_agent = self.request.headers.get("user-agent")
        if not user_agent:
            return None
        printable = (
            char for char in user_agent if unicodedata.category(char)[0] != "C"
        )
        return "".join(printable)[:CLIENT_MAX_LENGTH]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Open the one transaction of a mutation field.

        It commits when the block succeeds and rolls back when it raises,
        except for a DomainError with `commit_changes`, whose writes are
        committed before the error propagates.
        """
        async with self.database.session() as session:
            await session.begin()
            try:
                yield session
            except DomainError as error:
                changed_tags = pop_changed_tags(session)
                if error.commit_changes:
                    await session.commit()
                    await self._invalidate(changed_tags)
                else:
                    await session.rollback()
                raise
            except BaseException:
                pop_changed_tags(session)
                await session.rollback()
                raise
            changed_tags = pop_changed_tags(session)
            await session.commit()
            await self._invalidate(changed_tags)

    async def _invalidate(self, tags: list[str]) -> None:
        """Bump cache tags after a commit, so the next read returns the written data."""
        if not tags or self.field_cache is None:
            return
        try:
            await self.field_cache.bump(tags)
        except CacheUnavailable as error:
            # NOTE: values cached under these tags stay served until their
            # TTL ends; the TTLs of cached fields bound this staleness.
            logger.error("cache invalidation failed for tags %s: %s", tags, error)

    async def _authenticate(self) -> Viewer | None:
        token = self.bearer_token()
        if token is None:
            return None
        return await accounts.authenticate(self.security, access_token=token)

    @property
    def client_address(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"

    async def client_key(self) -> str:
        """Return the key of this client's cost budget: the viewer, else the address.

        A request with an invalid token is keyed by its address; its fields
        then fail with UNAUTHENTICATED.
        """
        try:
            viewer = await self.viewer()
        except Unauthenticated:
            viewer = None
        if viewer is not None:
            return f"user:{viewer.user_id}"
        return f"address:{self.client_address}"

    @property
    def page_limits(self) -> PageLimits:
        return PageLimits(
            default_size=self.settings.default_page_size,
            max_size=self.settings.max_page_size,
        )

    def page_request(
        self,
        node_type: str,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> PageRequest:
        return parse_page_request(
            node_type=node_type,
            limits=self.page_limits,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        async with self.database.read_session() as session:
            yield session


Info = StrawberryInfo[RequestContext, None]
