"""Hand-made JWTs for tests that a server must reject."""

import base64
import json
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import OctKey

from schoolgql.settings import Settings


def claims_for(
    user_id: int, *, token_type: str = "access", version: int = 0, **overrides: object
) -> dict[str, Any]:
    """Claims the server would issue; overrides replace them, None removes one."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": "student",
        "typ": token_type,
        "ver": version,
        "jti": uuid.uuid4().hex,
        "sid": 1,
        "iat": now,
        "exp": now + 600,
        "iss": "schoolgql",
        "aud": "schoolgql",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], *, key: str, algorithm: str = "HS256") -> str:
    return jwt.encode(
        {"alg": algorithm}, claims, OctKey.import_key(key.encode()), [algorithm]
    )


def sign_with_settings(claims: dict[str, Any], settings: Settings) -> str:
    return sign(claims, key=settings.effective_jwt_signing_key)


def unsigned(claims: dict[str, Any]) -> str:
    """A token with `alg: none` and an empty signature."""
    header = _segment({"alg": "none", "typ": "JWT"})
    return f"{header}.{_segment(claims)}."


def _segment(value: dict[str, Any]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(value).encode())
    return encoded.rstrip(b"=").decode()
