"""The Dockerfile and docker-compose.yml describe the shape the README promises (Docker cannot run
here; CI lints both files, and this test checks what they say)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_two_bots_share_the_shards_and_one_postgres_database_after_the_migration() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "bot-a", "bot-b"}
    bots = [services["bot-a"], services["bot-b"]]
    counts = {int(b["environment"]["SHARD_COUNT"]) for b in bots}
    assert counts == {2}
    assert sorted(int(b["environment"]["SHARD_IDS"]) for b in bots) == [0, 1]  # every shard, once
    urls = {b["environment"]["DATABASE_URL"] for b in bots} | {services["migrate"]["environment"]["DATABASE_URL"]}
    assert len(urls) == 1 and next(iter(urls)).startswith("postgresql://meetup:${POSTGRES_PASSWORD")
    assert "@postgres:5432/" in next(iter(urls))
    assert services["migrate"]["command"] == ["--migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for bot in bots:
        assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/healthz" in " ".join(bot["healthcheck"]["test"])
        assert bot["environment"]["HEALTH_HOST"] == "0.0.0.0"
        # Each bot's environment is a valid configuration of this bot.
        Settings(**{k.lower(): v for k, v in interpolated(bot["environment"]).items()}, discord_token="x")


def interpolated(environment: dict[str, str], password: str = "s3cretFromDotEnv") -> dict[str, str]:
    """The environment as compose writes it, with POSTGRES_PASSWORD=<password> in .env."""
    pattern = re.compile(r"\$\{POSTGRES_PASSWORD(:\?[^}]*)?\}")
    return {key: pattern.sub(password, str(value)) for key, value in environment.items()}


def test_one_image_built_once_runs_the_migration_and_every_bot() -> None:
    services = compose()["services"]
    building = [name for name, service in services.items() if "build" in service]
    assert building == ["migrate"]
    image = services["migrate"]["image"]
    assert {services[name]["image"] for name in ("bot-a", "bot-b")} == {image}
    assert all(services[name]["pull_policy"] == "never" for name in ("bot-a", "bot-b"))  # never a registry's


def test_the_database_password_comes_from_dotenv_for_the_server_and_the_bots() -> None:
    services = compose()["services"]
    server = interpolated(services["postgres"]["environment"])
    assert server["POSTGRES_PASSWORD"] == "s3cretFromDotEnv"
    for name in ("bot-a", "bot-b", "migrate"):
        url = make_url(interpolated(services[name]["environment"])["DATABASE_URL"])
        assert (url.username, url.password) == (server["POSTGRES_USER"], "s3cretFromDotEnv")
        assert url.database == server["POSTGRES_DB"]
    assert ":?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]  # compose refuses to start without it
    assert "# POSTGRES_PASSWORD=" in (ROOT / "config" / ".env.example").read_text()


def test_the_image_installs_the_locked_dependencies_with_their_hashes() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    locked = dockerfile.index("pip install --no-compile --require-hashes --no-deps -r requirements.txt")
    assert dockerfile.index("COPY requirements.txt") < locked < dockerfile.index("COPY bot ./bot")
    assert "pip install --no-compile --no-deps .\n" in dockerfile


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_each_lock_pins_every_package_with_hashes(lock: str) -> None:
    text = (ROOT / lock).read_text()
    assert text.startswith("# pyproject.toml dependencies sha256: ")
    entries = re.split(r"\n(?=[a-z0-9])", text.split("\n", 3)[3].strip())
    for entry in entries:
        assert re.match(r"[a-z0-9._-]+==[^ ;]+", entry) and "--hash=sha256:" in entry, entry
    names = {entry.split("==")[0] for entry in entries}
    assert {"discord-py", "sqlalchemy", "asyncpg", "aiosqlite"} <= names
    assert ("pytest" in names) == (lock == "requirements-dev.txt")


def test_the_image_runs_the_bot_as_a_non_root_user_with_a_data_volume() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "\nFROM python:3.11-slim" in dockerfile
    assert "\nUSER 10001:10001\n" in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile
    assert 'ENTRYPOINT ["python", "-m", "bot"]' in dockerfile  # so `command: ["--migrate"]` migrates
