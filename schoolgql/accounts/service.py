"""Sign-up, log-in, token refresh and revocation, and login sessions.

Every function takes the session first, then the viewer (None when the
caller sent no token), then keyword arguments. Functions flush but never
commit; the caller's transaction does.
"""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from schoolgql.accounts import repository
from schoolgql.accounts.errors import (
    AccountDeactivated,
    AdminSignUpDisabled,
    InvalidCredentials,
    InvalidSignUpCode,
    InvalidToken,
    RefreshTokenReused,
    SessionNotFound,
)
from schoolgql.accounts.passwords import check_new_password
from schoolgql.accounts.security import Security
from schoolgql.accounts.tokens import IssuedToken, TokenType
from schoolgql.accounts.validation import (
    check_full_name,
    check_grade_level,
    check_student_number,
    lookup_email,
    normalize_email,
)
from schoolgql.accounts.viewer import Viewer
from schoolgql.kit.errors import InvalidInput, PermissionDenied, Unauthenticated
from schoolgql.mail.service import queue_password_changed, queue_welcome
from schoolgql.models import Admin, RefreshTokenFamily, Student, User

SIGN_UP_CODE_MAX_LENGTH = 200
REVOKED_MESSAGE = (
    "the token was revoked by a password change, a deactivation or a log-out everywhere"
)
GONE_MESSAGE = "the account no longer exists or is deactivated"


@dataclass(frozen=True, slots=True)
class AuthResult:
    """A logged-in user and the tokens of their new or rotated session."""

    user: User
    session_id: int
    access_token: IssuedToken
    refresh_token: IssuedToken

    @property
    def viewer(self) -> Viewer:
        return Viewer(
            user_id=self.user.id, role=self.user.role, session_id=self.session_id
        )


async def authenticate(security: Security, *, access_token: str) -> Viewer:
    """Return the viewer of a valid, unrevoked access token."""
    claims = security.tokens.verify(access_token, expected_type=TokenType.ACCESS)
    version = await security.versions.current(claims.user_id)
    if version is None:
        raise InvalidToken(GONE_MESSAGE)
    if version != claims.token_version:
        raise InvalidToken(REVOKED_MESSAGE)
    return Viewer(
        user_id=claims.user_id, role=claims.role, session_id=claims.session_id
    )


async def get_viewer_user(session: AsyncSession, viewer: Viewer | None) -> User:
    viewer = require_viewer(viewer)
    user = await repository.get_user(session, viewer.user_id)
    if user is None or not user.is_active:
        raise InvalidToken(GONE_MESSAGE)
    return user


async def sign_up_student(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    email: str,
    password: str,
    full_name: str,
    student_number: str,
    grade_level: int,
    client: str | None,
) -> AuthResult:
    """Create a student account and log it in."""
    email = normalize_email(email)
    student = Student(
        email=email,
        full_name=check_full_name(full_name),
        student_number=check_student_number(student_number),
        grade_level=check_grade_level(grade_level),
        password_hash=await _hash_new_password(security, password, email=email),
        token_version=0,
        is_active=True,
    )
    await repository.add_user(session, student)
    queue_welcome(session, user_id=student.id)
    return await _start_session(session, security, student, client=client)


async def sign_up_admin(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    sign_up_code: str,
    email: str,
    password: str,
    full_name: str,
    client: str | None,
) -> AuthResult:
    """Create an administrator account with the configured sign-up code."""
    expected = security.admin_sign_up_code
    if expected is None:
        raise AdminSignUpDisabled()
    code = sign_up_code[:SIGN_UP_CODE_MAX_LENGTH].encode()
    # A constant-time comparison does not reveal how much of the code matched.
    if not hmac.compare_digest(code, expected.encode()):
        raise InvalidSignUpCode()

    email = normalize_email(email)
    admin = Admin(
        email=email,
        full_name=check_full_name(full_name),
        password_hash=await _hash_new_password(security, password, email=email),
        token_version=0,
        is_active=True,
    )
    await repository.add_user(session, admin)
    queue_welcome(session, user_id=admin.id)
    return await _start_session(session, security, admin, client=client)


async def log_in(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    email: str,
    password: str,
    client: str | None,
) -> AuthResult:
    """Check the password and start a session.

    An unknown address, a wrong password and a password over bcrypt's limit
    all run one bcrypt check and raise the same InvalidCredentials.
    """
    address = lookup_email(email)
    user: User | None = None
    if address is not None:
        user = await repository.get_user_by_email(session, address)
    password_hash = None if user is None else user.password_hash
    if not await security.passwords.verify(password, password_hash):
        raise InvalidCredentials()
    assert user is not None and password_hash is not None
    if not user.is_active:
        raise AccountDeactivated()

    if security.passwords.needs_rehash(password_hash):
        user.password_hash = await security.passwords.hash(password)
    return await _start_session(session, security, user, client=client)


async def refresh(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    refresh_token: str,
    client: str | None,
) -> AuthResult:
    """Rotate a refresh token: retire it and issue a new pair.

    A retired token presented again revokes its whole family, because
    either its holder or a thief now has the newer one.
    """
    claims = security.tokens.verify(refresh_token, expected_type=TokenType.REFRESH)
    family = await repository.get_family_for_update(session, claims.session_id)
    if family is None or family.user_id != claims.user_id:
        raise InvalidToken("the session does not exist")
    if family.revoked_at is not None:
        raise InvalidToken("the session was logged out or revoked")

    now = _now()
    if family.current_token_id != claims.token_id:
        family.revoked_at = now
        await session.flush()
        raise RefreshTokenReused()

    user = await _active_user_of(session, claims.user_id, claims.token_version)
    return await _rotate(session, security, user, family, client=client, now=now)


async def log_out(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    refresh_token: str,
) -> None:
    """Revoke the family of a refresh token; its access tokens run out on expiry."""
    claims = security.tokens.verify(refresh_token, expected_type=TokenType.REFRESH)
    await _active_user_of(session, claims.user_id, claims.token_version)
    await repository.revoke_families(
        session, claims.user_id, _now(), family_id=claims.session_id
    )


async def change_password(
    session: AsyncSession,
    viewer: Viewer | None,
    *,
    security: Security,
    current_password: str,
    new_password: str,
    client: str | None,
) -> AuthResult:
    """Set a new password, revoke every token, and start a new session."""
    viewer = require_viewer(viewer)
    user = await _lock_user(session, viewer.user_id)
    if not await security.passwords.verify(current_password, user.password_hash):
        raise InvalidInput(
            "`currentPassword` is not the account's password.",
            field="currentPassword",
        )
    user.password_hash = await _hash_new_password(
        security, new_password, email=user.email, field="newPassword"
    )
    await revoke_all_tokens(session, security, user)
    queue_password_changed(session, user_id=user.id, token_version=user.token_version)
    return await _start_session(session, security, user, client=client)


async def log_out_everywhere(
    session: AsyncSession, viewer: Viewer | None, *, security: Security
) -> None:
    """Revoke every access and refresh token of the viewer."""
    viewer = require_viewer(viewer)
    user = await _lock_user(session, viewer.user_id)
    await revoke_all_tokens(session, security, user)


async def list_sessions(
    session: AsyncSession, viewer: Viewer | None
) -> list[RefreshTokenFamily]:
    """Return the viewer's sessions that are neither revoked nor expired."""
    viewer = require_viewer(viewer)
    return await repository.list_active_families(session, viewer.user_id, _now())


async def revoke_session(
    session: AsyncSession, viewer: Viewer | None, *, session_id: int
) -> None:
    """End one of the viewer's sessions."""
    viewer = require_viewer(viewer)
    revoked = await repository.revoke_families(
        session, viewer.user_id, _now(), family_id=session_id
    )
    if not revoked:
        raise SessionNotFound(field="id")


async def revoke_all_tokens(
    session: AsyncSession, security: Security, user: User
) -> None:
    """Bump the token version and revoke every session of `user`.

    The caller holds the user's row lock (see `_lock_user`), so concurrent
    bumps of one user run in turn.
    """
    version = await repository.bump_token_version(session, user)
    await repository.revoke_families(session, user.id, _now())
    await security.versions.publish(user.id, version)


def require_viewer(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise Unauthenticated(
            "Log in first: send `Authorization: Bearer <access token>`."
        )
    return viewer


def require_admin(viewer: Viewer | None) -> Viewer:
    viewer = require_viewer(viewer)
    if not viewer.is_admin:
        raise PermissionDenied("Only administrators may do this.")
    return viewer


async def _hash_new_password(
    security: Security, password: str, *, email: str, field: str = "password"
) -> str:
    check_new_password(password, email=email, field=field)
    return await security.passwords.hash(password)


async def _lock_user(session: AsyncSession, user_id: int) -> User:
    user = await repository.get_user_for_update(session, user_id)
    if user is None or not user.is_active:
        raise InvalidToken(GONE_MESSAGE)
    return user


async def _active_user_of(
    session: AsyncSession, user_id: int, token_version: int
) -> User:
    user = await repository.get_user(session, user_id)
    if user is None or not user.is_active:
        raise InvalidToken(GONE_MESSAGE)
    if user.token_version != token_version:
        raise InvalidToken(REVOKED_MESSAGE)
    return user


async def _start_session(
    session: AsyncSession, security: Security, user: User, *, client: str | None
) -> AuthResult:
    now = _now()
    family = await repository.add_family(
        session,
        RefreshTokenFamily(
            user_id=user.id,
            # Replaced below, once the family's id is known to sign into it.
            current_token_id="",
            client=client,
            created_at=now,
            last_used_at=now,
            expires_at=now,
        ),
    )
    return await _rotate(session, security, user, family, client=client, now=now)


async def _rotate(
    session: AsyncSession,
    security: Security,
    user: User,
    family: RefreshTokenFamily,
    *,
    client: str | None,
    now: datetime,
) -> AuthResult:
    def issue(token_type: TokenType) -> IssuedToken:
        return security.tokens.issue(
            token_type,
            user_id=user.id,
            role=user.role,
            token_version=user.token_version,
            session_id=family.id,
        )

    access_token = issue(TokenType.ACCESS)
    refresh_token = issue(TokenType.REFRESH)
    family.current_token_id = refresh_token.token_id
    family.expires_at = datetime.fromtimestamp(refresh_token.expires_at, UTC)
    family.last_used_at = now
    if client is not None:
        family.client = client
    await session.flush()
    return AuthResult(user, family.id, access_token, refresh_token)


def _now() -> datetime:
    return datetime.now(UTC)
