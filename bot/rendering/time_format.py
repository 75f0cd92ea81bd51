"""Discord timestamps (each member sees them in their own time zone), and how a typed date was read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.date_order import ambiguous_slash_dates
from bot.services.time_grammar import MONTH_LABELS


def full_time(instant: datetime) -> str:
    return f"<t:{int(instant.timestamp())}:F>"


def relative_time(instant: datetime) -> str:
    return f"<t:{int(instant.timestamp())}:R>"


def full_and_relative(instant: datetime) -> str:
    return f"{full_time(instant)} ({relative_time(instant)})"


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def date_reading_note(typed_times: Iterable[tuple[str | None, datetime]], zone: str) -> str:
    """` I read `5/12` as 5 December: ...`, for each typed time whose slash date had two readings,
    judged from the instant it was read as; empty when there was nothing to choose."""
    day_first: list[str] = []
    month_first: list[str] = []
    for typed, instant in typed_times:
        local = instant.astimezone(ZoneInfo(zone))
        for written, first, second in ambiguous_slash_dates(typed or ""):
            if (local.day, local.month) == (first, second):
                day_first.append(f"`{written}` as {local.day} {MONTH_LABELS[local.month - 1]}")
            elif (local.month, local.day) == (first, second):
                month_first.append(f"`{written}` as {MONTH_LABELS[local.month - 1]} {local.day}")
    readings = list(dict.fromkeys(day_first + month_first))
    if not readings:
        return ""
    order = "day first" if not month_first else "month first" if not day_first else None
    listed = readings[0] if len(readings) == 1 else ", ".join(readings[:-1]) + f" and {readings[-1]}"
    how = f": this server reads such dates {order}" if order else ""
    return f"\nI read {listed}{how} (`/settings date-order` changes that; `2026-12-05` or `Dec 5` can't be misread)."
