"""Settings read from the environment and from a `.env` file."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("schoolgql.sqlite3")

# Signs tokens outside production when no key is configured. It is public,
# so production start-up rejects it, as it does the placeholder of .env.sample.
DEVELOPMENT_JWT_SIGNING_KEY = "development-only-jwt-signing-key-never-use-in-production"
SAMPLE_JWT_SIGNING_KEYS = frozenset(
    {DEVELOPMENT_JWT_SIGNING_KEY, "replace-with-at-least-32-random-bytes"}
)
MIN_JWT_SIGNING_KEY_BYTES = 32


class Settings(BaseSettings):
    """Every setting of the server; each reads the `SCHOOLGQL_` variable of its name."""

    model_config = SettingsConfigDict(
        env_prefix="SCHOOLGQL_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL, for example postgresql+asyncpg://user@host/db. "
            "Empty selects the embedded SQLite file at sqlite_path."
        ),
    )
    sqlite_path: Path = DEFAULT_SQLITE_PATH
    database_pool_size: int = Field(default=10, ge=1, le=500)
    database_max_overflow: int = Field(default=10, ge=0, le=500)
    database_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    database_statement_cache_size: int = Field(default=100, ge=0)
    database_echo: bool = False
    redis_url: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    cors_origins: list[str] = Field(default_factory=list)
    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=20, ge=1, le=1000)
    max_nodes_per_request: int = Field(default=100, ge=1, le=1000)
    graphiql_enabled: bool = True
    introspection_enabled: bool = Field(
        default=True,
        description="Turn off in production; it also hides 'Did you mean' suggestions.",
    )
    max_query_depth: int = Field(default=15, ge=1)
    max_query_aliases: int = Field(default=30, ge=0)
    max_query_tokens: int = Field(default=5000, ge=10)
    max_query_length: int = Field(default=50_000, ge=100, description="Characters.")
    max_query_cost: int = Field(default=20_000, ge=1)
    rate_limit_enabled: bool = True
    rate_limit_capacity: int = Field(
        default=100_000, ge=1, description="Points a client may spend in a burst."
    )
    rate_limit_refill_per_second: float = Field(
        default=2_000.0, gt=0, description="Points a client regains each second."
    )
    rate_limit_fail_open: bool = Field(
        default=True,
        description="Whether requests proceed while the Redis budget store fails.",
    )
    redis_timeout_seconds: float = Field(default=0.25, gt=0, le=10)
    credential_attempts_per_account: int = Field(
        default=10,
        ge=1,
        description="Log-in, sign-up and password attempts per account per window.",
    )
    credential_attempts_per_address: int = Field(
        default=50,
        ge=1,
        description="The same attempts per client address per window.",
    )
    credential_attempt_window_seconds: int = Field(default=900, ge=1)
    forwarded_allow_ips: str = Field(
        default="",
        description=(
            "Comma-separated addresses of reverse proxies whose X-Forwarded-For "
            "header gives the client address; empty trusts no proxy header."
        ),
    )
    max_request_body_bytes: int = Field(default=1_000_000, ge=1024)
    field_cache_enabled: bool = Field(
        default=True,
        description="Serve fields that declare a TTL from Redis, or memory without it.",
    )
    redis_key_prefix: str = Field(
        default="schoolgql:",
        description="Prefix of every Redis key, so deployments can share a server.",
    )
    use_dataloaders: bool = Field(
        default=True,
        description="Turn off only to benchmark the unbatched (N+1) pattern.",
    )
    jwt_signing_key: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "HMAC key that signs access and refresh tokens, at least 32 bytes. "
            "Required in production; elsewhere empty selects a public "
            "development key."
        ),
    )
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = Field(default="schoolgql", min_length=1)
    jwt_audience: str = Field(default="schoolgql", min_length=1)
    access_token_lifetime_seconds: int = Field(default=15 * 60, ge=30, le=24 * 3600)
    refresh_token_lifetime_seconds: int = Field(
        default=14 * 24 * 3600, ge=60, le=365 * 24 * 3600
    )
    bcrypt_cost: int = Field(
        default=12, ge=4, le=31, description="log2 of bcrypt's rounds."
    )
    password_hash_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Threads that hash and check passwords; requests beyond queue.",
    )
    admin_sign_up_code: SecretStr | None = Field(
        default=None,
        description="Code that signUpAdmin requires; unset turns signUpAdmin off.",
    )
    cache_key_prefix: str = Field(
        default="schoolgql:", description="Prefix of every cache key in Redis."
    )
    token_version_cache_seconds: int = Field(
        default=300,
        ge=1,
        le=24 * 3600,
        description="How long a user's token version stays cached.",
    )
    celery_broker_url: str = Field(
        default="amqp://guest:guest@127.0.0.1:5672//",
        description="Broker of the mail tasks: amqp:// (RabbitMQ) or redis://.",
    )
    celery_result_backend: str = Field(
        default="",
        description="Where task results are kept; empty keeps none.",
    )
    celery_queue: str = Field(
        default="schoolgql.mail", min_length=1, description="Queue of mail tasks."
    )
    smtp_host: str = Field(
        default="",
        description="Empty writes mails as .eml files to mail_outbox_path.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="starttls upgrades a plain connection; tls connects over TLS.",
    )
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    mail_from_address: str = "no-reply@school.example"
    mail_from_name: str = Field(
        default="schoolgql", description="Sender name, also the school's name."
    )
    mail_outbox_path: Path = Path("mail-outbox")
    mail_max_retries: int = Field(default=8, ge=0, le=50)
    mail_retry_backoff_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Delay before the first retry; it doubles with each retry.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address of the web app; links in mails start with it.",
    )
    password_reset_token_minutes: int = Field(default=60, ge=5, le=24 * 60)
    invitation_token_hours: int = Field(default=72, ge=1, le=30 * 24)
    self_enrollment_enabled: bool = Field(
        default=False,
        description="Whether students may enroll themselves, and drop, in "
        "courses of terms open for enrollment.",
    )

    @model_validator(mode="after")
    def _check_page_sizes(self) -> "Settings":
        if self.default_page_size > self.max_page_size:
            raise ValueError(
                f"default_page_size ({self.default_page_size}) must not exceed "
                f"max_page_size ({self.max_page_size})"
            )
        return self

    @model_validator(mode="after")
    def _check_secrets(self) -> "Settings":
        if self.environment != "production":
            return self
        key = self.jwt_signing_key.get_secret_value()
        if key in SAMPLE_JWT_SIGNING_KEYS or not key:
            raise ValueError(
                "SCHOOLGQL_JWT_SIGNING_KEY must be set to a random secret in "
                "production; the development and sample keys are public."
            )
        if len(key.encode()) < MIN_JWT_SIGNING_KEY_BYTES:
            raise ValueError(
                f"SCHOOLGQL_JWT_SIGNING_KEY must be at least "
                f"{MIN_JWT_SIGNING_KEY_BYTES} bytes in production; "
                f"got {len(key.encode())}."
            )
        return self

    @property
    def effective_jwt_signing_key(self) -> str:
        key = self.jwt_signing_key.get_secret_value()
        return key or DEVELOPMENT_JWT_SIGNING_KEY

    @property
    def uses_embedded_database(self) -> bool:
        return not self.database_url

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.sqlite_path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
