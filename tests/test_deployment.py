"""The Dockerfile and docker-compose.yml describe the shape the README promises (Docker cannot run
here; CI lints both files, and this test checks what they say)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
    assert len(urls) == 1 and next(iter(urls)).startswith("postgresql://")
    assert "@postgres:5432/" in next(iter(urls))
    assert services["migrate"]["command"] == ["--migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for bot in bots:
        assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/healthz" in " ".join(bot["healthcheck"]["test"])
        assert bot["environment"]["HEALTH_HOST"] == "0.0.0.0"
        # Each bot's environment is a valid configuration of this bot.
        Settings(**{k.lower(): v for k, v in bot["environment"].items()}, discord_token="x")


def test_the_image_runs_the_bot_as_a_non_root_user_with_a_data_volume() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "\nFROM python:3.11-slim" in dockerfile
    assert "\nUSER 10001:10001\n" in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile
    assert 'ENTRYPOINT ["python", "-m", "bot"]' in dockerfile  # so `command: ["--migrate"]` migrates
