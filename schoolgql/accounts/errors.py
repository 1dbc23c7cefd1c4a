"""Errors of sign-up, log-in, tokens and account administration."""

from typing import ClassVar

from schoolgql.kit.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)


class InvalidCredentials(Unauthenticated):
    def __init__(self) -> None:
        # One message for an unknown email and a wrong password, so the
        # response does not reveal which addresses have accounts.
        super().__init__("Invalid email or password.")


class AccountDeactivated(Unauthenticated):
    def __init__(self) -> None:
        super().__init__(
            "This account is deactivated. Ask an administrator to restore it."
        )


class InvalidToken(Unauthenticated):
    """A token that failed verification; `reason` explains why in general terms."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Invalid token: {reason}. Log in again to get new tokens.")


class RefreshTokenReused(Unauthenticated):
    """A refresh token presented again after it was rotated.

    The family it belongs to is revoked, and that revocation must be
    committed even though the request fails.
    """

    commit_changes: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__(
            "Invalid token: this refresh token was already used, so every "
            "token of its session is revoked. Log in again."
        )


class EmailTaken(InvalidInput):
    def __init__(self) -> None:
        super().__init__("An account with this email already exists.", field="email")


class StudentNumberTaken(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "Another student already has this student number.", field="studentNumber"
        )


class AdminSignUpDisabled(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            "Administrator sign-up is turned off. An existing administrator "
            "can create the account instead."
        )


class InvalidSignUpCode(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("The sign-up code is wrong.")


class UserNotFound(NotFound):
    def __init__(self, *, field: str) -> None:
        super().__init__("No user has this ID.", field=field)


class SessionNotFound(NotFound):
    def __init__(self, *, field: str) -> None:
        super().__init__("No active session of yours has this ID.", field=field)


class TokenRevocationUnavailable(DomainError):
    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__(
            "The old tokens could not be revoked because the token cache did "
            "not respond, so nothing was changed. Try again in a moment."
        )
