"""Domain errors: plain exceptions that the GraphQL layer maps to error codes."""

from typing import ClassVar


class DomainError(Exception):
    """An expected failure whose message is safe to show to the client."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    # Whether a mutation that raises this error still commits its writes,
    # as when a failed refresh revokes a session.
    commit_changes: ClassVar[bool] = False

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    code = "NOT_FOUND"


class InvalidInput(DomainError):
    code = "BAD_USER_INPUT"


class InvalidInputs(InvalidInput):
    """Several independent problems with one input, such as rows of a list."""

    def __init__(self, errors: list[InvalidInput]) -> None:
        super().__init__(f"{len(errors)} problems with the input; see each one.")
        self.errors = errors


class PermissionDenied(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
