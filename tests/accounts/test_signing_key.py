"""Production start-up rejects a missing, public or short JWT signing key."""

import pytest
from pydantic import SecretStr, ValidationError

from schoolgql.settings import DEVELOPMENT_JWT_SIGNING_KEY, Settings


def _production(*, jwt_signing_key: str) -> Settings:
    return Settings(
        _env_file=None,
        environment="production",
        jwt_signing_key=SecretStr(jwt_signing_key),
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "must be set to a random secret"),
        (DEVELOPMENT_JWT_SIGNING_KEY, "must be set to a random secret"),
        ("replace-with-at-least-32-random-bytes", "must be set to a random secret"),
        ("k" * 31, "at least 32 bytes in production; got 31"),
    ],
)
def test_production_rejects_weak_key(key: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _production(jwt_signing_key=key)


def test_production_accepts_random_key() -> None:
    settings = _production(jwt_signing_key="k" * 32)

    assert settings.effective_jwt_signing_key == "k" * 32


def test_development_uses_marked_key() -> None:
    settings = Settings(_env_file=None, environment="development")

    assert settings.effective_jwt_signing_key == DEVELOPMENT_JWT_SIGNING_KEY
    assert "never-use-in-production" in DEVELOPMENT_JWT_SIGNING_KEY
