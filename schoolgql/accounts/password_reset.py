"""Password reset by mail: a single-use, expiring link token, stored as a hash."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import repository
from schoolgql.accounts.passwords import check_new_password
from schoolgql.accounts.security import Security
from schoolgql.accounts.service import revoke_all_tokens
from schoolgql.accounts.validation import lookup_email
from schoolgql.accounts.viewer import Viewer
from schoolgql.kit.errors import InvalidInput
from schoolgql.mail import repository as mail_repository
from schoolgql.mail.service import queue_password_changed, queue_password_reset
from schoolgql.models import User

# Issued tokens are 43 characters, so a much longer one is rejected unhashed.
TOKEN_MAX_LENGTH = 200


class InvalidResetToken(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "This password link is invalid, expired or already used. Request "
            "a new one with requestPasswordReset.",
            field="token",
        )


async def request_password_reset(
    session: AsyncSession, viewer: Viewer | None, *, email: str
) -> None:
    """Queue a reset mail if an active account has `email`, else do nothing.

    The caller returns the same result either way, so the response does not
    reveal which addresses have accounts.
    """
    address = lookup_email(email)
    if address is None:
        return
    user = await repository.get_user_by_email(session, address)
    if user is None or not user.is_active:
        return
    queue_password_reset(session, user_id=user.id)


async def reset_password(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    token: str,
    new_password: str,
) -> User:
    """Set the password of the token's user and revoke every token they hold.

    The token is used up, and so is every other unused link of the user.
    """
    if not 0 < len(token) <= TOKEN_MAX_LENGTH:
        raise InvalidResetToken()
    now = datetime.now(UTC)
    user_id = await mail_repository.use_password_token(session, token=token, now=now)
    if user_id is None:
        raise InvalidResetToken()
    user = await repository.get_user_for_update(session, user_id)
    if user is None or not user.is_active:
        raise InvalidResetToken()

    check_new_password(new_password, email=user.email, field="newPassword")
    user.password_hash = await security.passwords.hash(new_password)
    await mail_repository.void_password_tokens(session, user_id=user.id, now=now)
    await revoke_all_tokens(session, security, user)
    queue_password_changed(session, user_id=user.id, token_version=user.token_version)
    return user
