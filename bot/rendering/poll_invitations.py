"""A gathering poll's invitation to the members there on its days, and what the organizer hears of it."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.db.models import Gathering, Poll
from bot.rendering.notices import Post, with_mentions


def _titles(poll: Poll, gathering: Gathering) -> tuple[str, str]:
    return discord.utils.escape_markdown(poll.title), discord.utils.escape_markdown(gathering.title)


def gathering_poll_invitation(
    poll: Poll, gathering: Gathering, user_ids: Sequence[int], link: str | None
) -> list[Post]:
    poll_title, gathering_title = _titles(poll, gathering)
    where = f" Vote here: {link}" if link else ""
    header = (
        f"📣 **{poll_title}**, among those at **{gathering_title}**: you're there on at least one of its days, "
        f"which times work for you?{where}"
    )
    return with_mentions(header, user_ids)


def gathering_poll_dm(poll: Poll, gathering: Gathering, link: str | None) -> str:
    poll_title, gathering_title = _titles(poll, gathering)
    where = f" {link}" if link else ""
    return f"📣 A poll among those at **{gathering_title}**: **{poll_title}**. Which times work for you?{where}"


def render_gathering_reach(*, audience: int, pinged: int, by_dm: int, not_reached: int, away_every_day: int) -> str:
    """How many of the roll call the poll told, and how many are away on every one of its days."""
    away = (
        f" {away_every_day} of the roll call {'is' if away_every_day == 1 else 'are'} away on every day of its "
        "times and were not invited."
        if away_every_day
        else ""
    )
    if not audience:
        return f"Nobody on the roll call is there on the days of its times, so nobody was invited.{away}"
    counts = f"({pinged} pinged, {by_dm} by DM)"
    who = f"{audience} member{'s' if audience != 1 else ''} of the roll call there on at least one of its days"
    if not not_reached:
        return f"Invited the {who} {counts}.{away}"
    return (
        f"Invited {audience - not_reached} of the {who} {counts}: Discord refused the invitation post for the "
        f"other {not_reached}, so they were not told; share the poll's link with them.{away}"
    )
