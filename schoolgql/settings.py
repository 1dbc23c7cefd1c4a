"""Settings read from the environment and from a `.env` file."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("schoolgql.sqlite3")


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
    use_dataloaders: bool = Field(
        default=True,
        description="Turn off only to benchmark the unbatched (N+1) pattern.",
    )

    @model_validator(mode="after")
    def _check_page_sizes(self) -> "Settings":
        if self.default_page_size > self.max_page_size:
            raise ValueError(
                f"default_page_size ({self.default_page_size}) must not exceed "
                f"max_page_size ({self.max_page_size})"
            )
        return self

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
