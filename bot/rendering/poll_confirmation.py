"""The organizer's private confirmation of a new poll: where it is, and every time as the bot read it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.time_format import full_and_relative, full_time
from bot.services.time_parsing import ParsedTime


def render_poll_posted(
    *,
    poll_id: int,
    link: str,
    zone: str,
    option_times: Sequence[datetime],
    closes_at: datetime | None,
    reach: str = "",
) -> str:
    """The zone is named once, not on each of up to 25 lines, so the list fits one message whatever
    the zone; the relative times ("in 3 days") go first if it still would not. `reach`: who was
    invited (a gathering's poll), said under the link."""
    for relative in (True, False):
        text = _confirmation(poll_id, link, zone, option_times, closes_at, relative=relative, reach=reach)
        if len(text) <= MESSAGE_CONTENT:
            return text
    return shorten(text, MESSAGE_CONTENT)


def _confirmation(
    poll_id: int,
    link: str,
    zone: str,
    option_times: Sequence[datetime],
    closes_at: datetime | None,
    *,
    relative: bool,
    reach: str,
) -> str:
    shown = full_and_relative if relative else full_time
    closing = f" Voting closes {shown(closes_at)}." if closes_at else ""
    lines = [
        f"Poll #{poll_id} is posted: {link}{closing}",
        *([reach] if reach else []),
        f"Check the times as I read them in {zone}:",
        *(f"{n}. {shown(t)} = {_wall_clock(t, zone)}" for n, t in enumerate(option_times, start=1)),
    ]
    return "\n".join(lines)


def _wall_clock(instant: datetime, zone: str) -> str:
    """`Sat 5 Dec 2026, 19:00`: the time in the poll's zone, which a timestamp cannot show."""
    return f"{ParsedTime(instant, zone).local:%a %-d %b %Y, %H:%M}"
