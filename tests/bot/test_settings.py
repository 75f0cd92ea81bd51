from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, to_async_database_url


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in an empty directory, with none of the real environment's settings."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("MEETUP_BOT_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("MEETUP_BOT_ENV_FILE", str(tmp_path / ".env"))
    return tmp_path


def test_defaults_put_sqlite_in_the_data_directory() -> None:
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///data/meetup-bot.sqlite3"
    assert settings.discord_token is None
    assert settings.default_timezone == "UTC"
    assert settings.discord_api_base == "https://discord.com/api/v10"
    assert settings.discord_gateway_url == "wss://gateway.discord.gg/"


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_plain_urls_become_async_driver_urls(plain: str, expected: str) -> None:
    assert to_async_database_url(plain) == expected


def test_environment_beats_dotenv_beats_toml(isolated_settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (isolated_settings / "settings.toml").write_text(
        'log_level = "WARNING"\ndefault_timezone = "Asia/Seoul"\ndev_guild_id = 1\n'
    )
    (isolated_settings / ".env").write_text("DEFAULT_TIMEZONE=Europe/Berlin\nDEV_GUILD_ID=2\n")
    monkeypatch.setenv("DEV_GUILD_ID", "3")
    settings = Settings()
    assert settings.log_level == "WARNING"  # only in the TOML file
    assert settings.default_timezone == "Europe/Berlin"  # .env beats TOML
    assert settings.dev_guild_id == 3  # the environment beats both


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    settings = Settings()
    assert settings.token_value() == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(settings)
    assert "abc.def.ghi" not in str(settings.model_dump())


def test_unknown_default_timezone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings()


def test_every_setting_is_documented_in_the_example_file() -> None:
    example = (Path(__file__).parents[2] / "config" / "settings.example.toml").read_text()
    for name in Settings.model_fields:
        assert name in example, f"{name} is missing from config/settings.example.toml"


def test_shard_ids_are_read_from_a_comma_separated_list_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "1, 3")
    assert Settings().shard_ids == [1, 3]
    monkeypatch.setenv("SHARD_IDS", "4")
    with pytest.raises(ValueError, match=r"shard ids \[4\] are outside 0..3"):
        Settings()
    monkeypatch.delenv("SHARD_COUNT")
    monkeypatch.setenv("SHARD_IDS", "0")
    with pytest.raises(ValueError, match="shard_ids needs shard_count"):
        Settings()


def test_operations_defaults_keep_the_health_endpoint_off_and_local() -> None:
    settings = Settings()
    assert settings.health_port is None  # off unless a port is given
    assert settings.health_host == "127.0.0.1"  # and then only on this machine unless configured
    assert settings.log_format == "text"


def test_json_logs_are_chosen_by_the_log_format_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert Settings().log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValidationError):
        Settings()
