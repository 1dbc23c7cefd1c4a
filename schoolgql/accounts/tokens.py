"""Signed JSON Web Tokens: short-lived access tokens and rotating refresh tokens.

Tokens are signed and verified with joserfc, restricted to the one HMAC
algorithm in the settings, so `alg: none` and every other algorithm fail
verification. Claims are checked here, each failure with its own reason.
"""

import enum
import time
import uuid
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from schoolgql.accounts.errors import InvalidToken
from schoolgql.kit.pagination import MAX_ID
from schoolgql.models import Role
from schoolgql.settings import Settings

# Seconds of clock difference between servers that `iat` and `exp` tolerate.
CLOCK_SKEW_SECONDS = 30
# No valid token of ours comes close; longer input is rejected unparsed.
MAX_TOKEN_LENGTH = 4096

REQUIRED_CLAIMS = (
    "sub",
    "role",
    "typ",
    "ver",
    "jti",
    "sid",
    "iat",
    "exp",
    "iss",
    "aud",
)


class TokenType(enum.StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The verified claims of one token."""

    user_id: int
    role: Role
    token_type: TokenType
    token_version: int
    token_id: str
    session_id: int
    issued_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class IssuedToken:
    value: str
    token_id: str
    expires_at: int


class TokenCodec:
    """Issues and verifies the tokens of one issuer and audience."""

    def __init__(self, settings: Settings) -> None:
        self._key = OctKey.import_key(settings.effective_jwt_signing_key.encode())
        self._algorithm = settings.jwt_algorithm
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._lifetimes = {
            TokenType.ACCESS: settings.access_token_lifetime_seconds,
            TokenType.REFRESH: settings.refresh_token_lifetime_seconds,
        }

    def issue(
        self,
        token_type: TokenType,
        *,
        user_id: int,
        role: Role,
        token_version: int,
        session_id: int,
    ) -> IssuedToken:
        now = int(time.time())
        token_id = uuid.uuid4().hex
        expires_at = now + self._lifetimes[token_type]
        claims = {
            "sub": str(user_id),
            "role": role.value,
            "typ": token_type.value,
            "ver": token_version,
            "jti": token_id,
            "sid": session_id,
            "iat": now,
            "exp": expires_at,
            "iss": self._issuer,
            "aud": self._audience,
        }
        value = jwt.encode(
            {"alg": self._algorithm}, claims, self._key, algorithms=[self._algorithm]
        )
        return IssuedToken(value=value, token_id=token_id, expires_at=expires_at)

    def verify(self, value: str, *, expected_type: TokenType) -> TokenClaims:
        """Return the claims of a token of `expected_type`, or raise InvalidToken.

        The token version is not checked here; see `TokenVersions`.
        """
        if not value or len(value) > MAX_TOKEN_LENGTH:
            raise InvalidToken("the token is empty or too long")
        try:
            token = jwt.decode(value, self._key, algorithms=[self._algorithm])
        except JoseError:
            # Bad signature, wrong or missing algorithm, or a malformed token.
            raise InvalidToken(
                "the signature or the algorithm is not the one this server uses"
            ) from None
        except (ValueError, TypeError):
            raise InvalidToken("the token is malformed") from None
        return self._check_claims(token.claims, expected_type)

    def _check_claims(
        self, claims: dict[str, Any], expected_type: TokenType
    ) -> TokenClaims:
        missing = [name for name in REQUIRED_CLAIMS if name not in claims]
        if missing:
            raise InvalidToken(f"the claims {', '.join(missing)} are missing")

        if claims["typ"] != expected_type.value:
            raise InvalidToken(
                f"{_token_kind(expected_type)} is expected here, but this is "
                f"{_token_kind(claims['typ'])}"
            )
        if claims["iss"] != self._issuer or claims["aud"] != self._audience:
            raise InvalidToken("the token was issued for another service")

        now = time.time()
        issued_at, expires_at = claims["iat"], claims["exp"]
        if not _is_int(issued_at) or not _is_int(expires_at):
            raise InvalidToken("the issue or expiry time is not a number")
        if expires_at <= now - CLOCK_SKEW_SECONDS:
            raise InvalidToken("the token has expired")
        if issued_at > now + CLOCK_SKEW_SECONDS:
            raise InvalidToken("the token is issued in the future")

        try:
            user_id = int(claims["sub"])
            role = Role(claims["role"])
        except (TypeError, ValueError):
            raise InvalidToken("the subject or the role is malformed") from None
        version, token_id, session_id = claims["ver"], claims["jti"], claims["sid"]
        if not (_is_int(version) and _is_int(session_id) and isinstance(token_id, str)):
            raise InvalidToken("the version, token ID or session ID is malformed")
        # Ids and versions are INTEGER columns; a larger number cannot name a
        # row and would overflow the database driver.
        if not all(0 <= number <= MAX_ID for number in (user_id, version, session_id)):
            raise InvalidToken("the subject, version or session ID is out of range")

        return TokenClaims(
            user_id=user_id,
            role=role,
            token_type=expected_type,
            token_version=version,
            token_id=token_id,
            session_id=session_id,
            issued_at=issued_at,
            expires_at=expires_at,
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _token_kind(token_type: object) -> str:
    if token_type == TokenType.ACCESS.value:
        return "an access token"
    if token_type == TokenType.REFRESH.value:
        return "a refresh token"
    return "a token of unknown type"
