"""The per-request context every resolver receives as `info.context`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from schoolgql.database import Database
from schoolgql.graphql.loaders import Loaders
from schoolgql.kit.pagination import PageLimits, PageRequest, parse_page_request
from schoolgql.kit.ratelimit import TokenBucket
from schoolgql.settings import Settings


@dataclass
class RequestContext:
    request: Request
    response: Response
    request_id: str
    settings: Settings
    database: Database
    loaders: Loaders = field(repr=False)
    rate_limiter: TokenBucket = field(repr=False)

    @property
    def client_key(self) -> str:
        """The key of this client's cost budget: its network address."""
        # TODO: key authenticated requests by the viewer's user id.
        client = self.request.client
        return f"address:{client.host if client else 'unknown'}"

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
        async with self.database.session() as session:
            yield session


Info = StrawberryInfo[RequestContext, None]
