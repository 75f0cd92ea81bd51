"""Snowflake ids and timestamps shaped like Discord's."""

from __future__ import annotations

import datetime as dt
import threading
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Hands out strictly increasing snowflakes whose timestamp part is the current time.

    Real snowflakes sort by creation time; discord.py and the bot derive `created_at` from them, so the
    emulator's ids carry the real clock (with a counter so ids made in the same millisecond still grow).
    """

    def __init__(self, worker_id: int = 1) -> None:
        self._worker = worker_id & 0x3FF
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            candidate = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (self._worker << 12)
            self._last = max(candidate, self._last + 1)
            return self._last


def snowflake_time(snowflake: int) -> dt.datetime:
    """The creation time encoded in a snowflake."""
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """Discord's timestamp format: ISO 8601 with microseconds and an explicit +00:00 offset."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard a guild's events go to (Discord's formula)."""
    return (guild_id >> 22) % shard_count if shard_count > 1 else 0
