"""Maps domain errors to GraphQL errors and masks everything unexpected."""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schoolgql.kit.errors import DomainError, RateLimited
from schoolgql.requests import current_request_id

logger = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = (
    "Internal server error. Report the request ID to the operators of this service."
)


def is_unexpected(error: GraphQLError) -> bool:
    """Return whether an error came from a bug rather than from the request.

    Errors without a path come from parsing, validation or variable
    coercion, before any resolver runs, so they describe the request,
    unless they wrap an exception that is not a GraphQL error: that one
    escaped from an extension.
    """
    original = error.original_error
    if isinstance(original, DomainError):
        return False
    if error.path is None:
        return original is not None and not isinstance(original, GraphQLError)
    return True


def log_unexpected_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        if is_unexpected(error):
            path = ".".join(str(part) for part in error.path or ())
            logger.error(
                "unexpected error in %s",
                f"field {path}" if path else "an extension, before execution",
                exc_info=error.original_error,
            )


class ErrorCodes(SchemaExtension):
    """Gives every error `extensions.code`, and masks unexpected errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        errors = [_client_error(error) for error in result.errors]
        if not self.execution_context.context.settings.introspection_enabled:
            # Suggestions name fields and types that introspection would hide.
            errors = [_without_suggestion(error) for error in errors]
        result.errors = errors


def code_escaped_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Map the errors that never passed through ErrorCodes, and mask bugs among them.

    An exception raised by an extension before the operation starts, such
    as a syntax error from the parser cache, ends the operation before
    ErrorCodes sees the result. Every error ErrorCodes mapped has a code.
    """
    return [
        error if "code" in (error.extensions or {}) else _client_error(error)
        for error in errors
    ]


def _client_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})

    if isinstance(original, DomainError):
        extensions["code"] = original.code
        if original.field is not None:
            extensions["field"] = original.field
        if isinstance(original, RateLimited):
            extensions["retryAfterSeconds"] = original.retry_after_seconds
        message = original.message
    elif not is_unexpected(error):
        extensions.setdefault("code", _request_error_code(error))
        message = error.message
    else:
        extensions = {
            "code": "INTERNAL_SERVER_ERROR",
            "requestId": current_request_id(),
        }
        message = INTERNAL_ERROR_MESSAGE

    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def _request_error_code(error: GraphQLError) -> str:
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message, found, _ = error.message.partition(" Did you mean")
    if not found:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=error.extensions,
    )
