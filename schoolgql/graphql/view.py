"""The /graphql endpoint, following the GraphQL over HTTP specification."""

import math
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from schoolgql.accounts.security import Security
from schoolgql.database import Database
from schoolgql.graphql.context import RequestContext
from schoolgql.graphql.loaders import Loaders
from schoolgql.kit.attempts import AttemptCounter
from schoolgql.kit.fieldcache import FieldCacheStore
from schoolgql.kit.ratelimit import TokenBucket
from schoolgql.requests import current_request_id
from schoolgql.settings import Settings

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
HTTP_ERROR_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


class GraphQLView(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view with our context, orjson and spec status codes.

    Responses use `application/graphql-response+json` when the client
    accepts it, and then a request that fails to parse or validate gets
    status 400. Plain `application/json` responses keep status 200 for
    every well-formed request, as the specification requires.
    """

    def __init__(
        self,
        *,
        schema: Any,
        settings: Settings,
        database: Database,
        rate_limiter: TokenBucket,
        attempt_counter: AttemptCounter,
        field_cache: FieldCacheStore | None,
        security: Security,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.settings = settings
        self.database = database
        self.rate_limiter = rate_limiter
        self.attempt_counter = attempt_counter
        self.field_cache = field_cache
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            response = Response("GraphQL is served over HTTP only.", status_code=404)
            await response(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = _http_error_response(error, request)
        await response(scope, receive, send)

    async def get_context(self, request: Request, response: Response) -> RequestContext:  # type: ignore[override]
        return RequestContext(
            request=request,
            response=response,
            request_id=current_request_id(),
            settings=self.settings,
            database=self.database,
            loaders=Loaders(self.database, batch=self.settings.use_dataloaders),
            rate_limiter=self.rate_limiter,
            attempt_counter=self.attempt_counter,
            field_cache=self.field_cache,
            security=self.security,
        )

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        sub_response = await super().get_sub_response(request)
        if _accepts_graphql_response_json(request):
            sub_response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
        request.state.sub_response = sub_response
        return sub_response

    def decode_json(self, data: str | bytes) -> object:
        decoded = orjson.loads(data)
        if not isinstance(decoded, dict | list):
            raise HTTPException(
                400, "The request body must be a JSON object with a `query` member."
            )
        return decoded

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise HTTPException(
                    405,
                    "Only queries may be sent with GET; send mutations with POST.",
                ) from error
            raise

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response_data = await super().process_result(request, result)
        if _is_request_error(result):
            # A request that never executed has no `data` entry at all.
            response_data.pop("data", None)
            sub_response = request.state.sub_response
            retry_after = _retry_after_seconds(result)
            if retry_after is not None:
                sub_response.status_code = 429
                sub_response.headers["retry-after"] = str(math.ceil(retry_after))
            elif _accepts_graphql_response_json(request):
                # A bug before execution is the server's failure, not the request's.
                sub_response.status_code = 500 if _is_internal(result) else 400
        return response_data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.headers.get("content-type", JSON)
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=media_type,
        )
        for name, value in sub_response.headers.items():
            if name != "content-type":
                response.headers.append(name, value)
        return response


def _is_request_error(result: ExecutionResult) -> bool:
    """Return whether the request failed before execution, in parsing or validation."""
    if result.data is not None or not result.errors:
        return False
    return all(error.path is None for error in result.errors)


def _is_internal(result: ExecutionResult) -> bool:
    return any(
        (error.extensions or {}).get("code") == "INTERNAL_SERVER_ERROR"
        for error in result.errors or ()
    )


def _retry_after_seconds(result: ExecutionResult) -> float | None:
    for error in result.errors or ():
        extensions = error.extensions or {}
        if extensions.get("code") == "RATE_LIMITED":
            return float(extensions.get("retryAfterSeconds", 1))
    return None


def _accepts_graphql_response_json(request: Request) -> bool:
    return GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "")


def _http_error_response(error: HTTPException, request: Request) -> Response:
    body = {
        "errors": [
            {
                "message": error.reason,
                "extensions": {
                    "code": HTTP_ERROR_CODES.get(error.status_code, "BAD_REQUEST")
                },
            }
        ]
    }
    media_type = (
        GRAPHQL_RESPONSE_JSON if _accepts_graphql_response_json(request) else JSON
    )
    headers = {"allow": "GET, POST"} if error.status_code == 405 else None
    return Response(
        orjson.dumps(body),
        status_code=error.status_code,
        media_type=media_type,
        headers=headers,
    )
