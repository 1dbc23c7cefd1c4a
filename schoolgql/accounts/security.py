"""The password hasher, token codec and version cache of one app."""

from dataclasses import dataclass

from schoolgql.accounts.passwords import PasswordHasher
from schoolgql.accounts.tokens import TokenCodec
from schoolgql.accounts.versions import TokenVersions
from schoolgql.database import Database
from schoolgql.kit.cache import Cache
from schoolgql.settings import Settings


@dataclass(frozen=True, slots=True)
class Security:
    passwords: PasswordHasher
    tokens: TokenCodec
    versions: TokenVersions
    # None turns signUpAdmin off.
    admin_sign_up_code: str | None

    def close(self) -> None:
        self.passwords.close()


def create_security(
    settings: Settings, database: Database, cache: Cache | None
) -> Security:
    code = settings.admin_sign_up_code
    return Security(
        passwords=PasswordHasher(
            cost=settings.bcrypt_cost, threads=settings.password_hash_threads
        ),
        tokens=TokenCodec(settings),
        versions=TokenVersions(
            cache, database, ttl_seconds=settings.token_version_cache_seconds
        ),
        admin_sign_up_code=None if code is None else code.get_secret_value(),
    )
