"""Settings from the environment, `.env` and `config/settings.toml` (in that order of precedence)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
DEFAULT_CONFIG_FILE = Path("config/settings.toml")
DATABASE_FILE_NAME = "meetup-bot.sqlite3"
# Not resolved: a checkout reached through a symlink is the project where it is found.
PROJECT_ROOT = Path(__file__).absolute().parents[1]
SUPPORTED_DATABASES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


def config_file_path() -> Path:
    """The TOML settings file: `MEETUP_BOT_CONFIG` names another one."""
    return Path(os.environ.get("MEETUP_BOT_CONFIG", DEFAULT_CONFIG_FILE))


def env_file_paths() -> tuple[Path, ...]:
    """The `.env` files read: the project's (beside pyproject.toml), then the one in the folder the
    bot is started from, which wins where both set a value. `MEETUP_BOT_ENV_FILE` names the only one."""
    if named := os.environ.get("MEETUP_BOT_ENV_FILE"):
        return (Path(named),)
    return (PROJECT_ROOT / ".env", Path(".env"))


def to_async_database_url(url: str) -> str:
    """Turn a plain SQLAlchemy URL into the form of the async driver this bot uses."""
    for plain, async_form in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return async_form + url[len(plain) :]
    return url


class Settings(BaseSettings):
    """Everything the bot can be told; documented in `config/settings.example.toml`."""

    model_config = SettingsConfigDict(
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    discord_token: SecretStr | None = Field(default=None, description="The bot's token.")
    data_dir: Path = Field(default=Path("data"), description="Where the SQLite database lives.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir.")
    dev_guild_id: int | None = Field(default=None, description="Sync commands to this guild only.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    default_timezone: str = "UTC"
    discord_api_base: str = DISCORD_API_BASE
    discord_gateway_url: str = DISCORD_GATEWAY_URL
    shard_count: int | None = Field(
        default=None, ge=1, description="Discord shards in all; with it, this process runs SHARD_IDS of them."
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None, description="The shards this process runs, like 0,1 (default: all of SHARD_COUNT)."
    )
    health_port: int | None = Field(
        default=None, ge=1, le=65535, description="Serve /healthz and /metrics on this port (off when unset)."
    )
    health_host: str = Field(default="127.0.0.1", description="The address the health endpoint listens on.")
    reminder_lease_seconds: int = Field(
        default=120,
        ge=5,
        le=3600,
        description=(
            "How long a process may hold a reminder (or a series' next meetup) it claimed before another may"
            " take it over."
        ),
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_settings = TomlConfigSettingsSource(settings_cls, toml_file=config_file_path())
        dotenv_files = DotEnvSettingsSource(settings_cls, env_file=env_file_paths(), env_file_encoding="utf-8")
        return init_settings, env_settings, dotenv_files, toml_settings, file_secret_settings

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        # The rules members' zones follow: canonical spelling, EST and the like refused.
        from bot.services.errors import InvalidInput
        from bot.services.timezones import resolve_timezone

        try:
            return resolve_timezone(value)
        except InvalidInput as exc:
            raise ValueError(f"unknown time zone {value!r}: {exc.user_message}") from exc

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _comma_separated_shards(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            return [int(p) for p in parts] or None
        return value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("discord_api_base", "discord_gateway_url")
    @classmethod
    def _no_trailing_slash_on_api(cls, value: str) -> str:
        return value.strip()

    @field_validator("discord_api_base")
    @classmethod
    def _http_api_base(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"must be an http(s):// URL like {DISCORD_API_BASE}")
        return value

    @field_validator("discord_gateway_url")
    @classmethod
    def _websocket_gateway(cls, value: str) -> str:
        if not value.startswith(("wss://", "ws://")):
            raise ValueError(f"must be a ws(s):// URL like {DISCORD_GATEWAY_URL}")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        value = value.strip()
        if value and not to_async_database_url(value).startswith(SUPPORTED_DATABASES):
            # Only the scheme is quoted: the rest of the URL may hold a password.
            scheme = value.partition(":")[0] if ":" in value else value[:20]
            raise ValueError(
                f"unsupported database {scheme!r}: use sqlite:///path/to/file.sqlite3 "
                "or postgresql://user:password@host:5432/database"
            )
        return value

    @model_validator(mode="after")
    def _database_url_for_async_driver(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / DATABASE_FILE_NAME}"
        self.database_url = to_async_database_url(self.database_url)
        self.discord_api_base = self.discord_api_base.rstrip("/")
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("shard_ids needs shard_count (the number of shards in all)")
            wrong = [s for s in self.shard_ids if not 0 <= s < self.shard_count]
            if wrong:
                raise ValueError(f"shard ids {wrong} are outside 0..{self.shard_count - 1}")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def token_value(self) -> str | None:
        return self.discord_token.get_secret_value() if self.discord_token else None
