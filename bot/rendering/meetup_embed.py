"""The meetup message's embed."""

from __future__ import annotations

import discord

from bot.constants import COLOUR_DANGER, COLOUR_MUTED, COLOUR_PRIMARY
from bot.db.models import Meetup, MeetupStatus
from bot.rendering.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    EMBED_TITLE,
    EMBED_TOTAL,
    fit_mentions,
    shorten,
)
from bot.rendering.time_format import full_and_relative, full_time, message_link
from bot.services.attendance import Phase
from bot.services.durations import describe_duration
from bot.services.roster import Roster

_COLOURS = {MeetupStatus.SCHEDULED: COLOUR_PRIMARY, MeetupStatus.CANCELLED: COLOUR_DANGER}
_OVER = (Phase.ENDED, Phase.CLOSED)


def meetup_footer(meetup_id: int) -> str:
    return f"Meetup #{meetup_id}"


def render_meetup_embed(roster: Roster, phase: Phase = Phase.UPCOMING) -> discord.Embed:
    meetup = roster.meetup
    title = shorten(meetup.title, EMBED_TITLE)
    description = _description(roster, phase)
    colour = COLOUR_MUTED if phase in _OVER else _COLOURS.get(meetup.status, COLOUR_MUTED)
    embed = discord.Embed(title=title, description=description or None, colour=colour)
    embed.add_field(name="When", value=full_and_relative(meetup.starts_at), inline=False)
    if meetup.location:
        embed.add_field(name="Where", value=shorten(meetup.location, EMBED_FIELD_VALUE), inline=False)
    if roster.follows is not None:
        embed.add_field(name="Follows", value=_follows(roster.follows), inline=False)
    embed.add_field(name="Organizer", value=f"<@{meetup.created_by}>", inline=True)
    embed.add_field(name="Duration", value=describe_duration(meetup.ends_at - meetup.starts_at), inline=True)
    footer = meetup_footer(meetup.id)
    embed.set_footer(text=footer)

    lists = _member_lists(roster, phase)
    used = (
        len(title) + len(description) + len(footer) + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    )
    used += sum(len(name) for name, _, _ in lists)
    budget = EMBED_TOTAL - used
    for index, (name, user_ids, numbered) in enumerate(lists):
        share = min(EMBED_FIELD_VALUE, budget // (len(lists) - index))
        value = fit_mentions(user_ids, share, numbered=numbered)
        budget -= len(value)
        embed.add_field(name=name, value=value, inline=not numbered)
    return embed


def _follows(first: Meetup) -> str:
    title = shorten(discord.utils.escape_markdown(first.title), 200)
    link = f" {message_link(first.guild_id, first.channel_id, first.message_id)}" if first.message_id else ""
    return f"Meetup #{first.id} **{title}**, {full_time(first.starts_at)}{link}"


def _description(roster: Roster, phase: Phase) -> str:
    meetup = roster.meetup
    parts = []
    if meetup.status == MeetupStatus.CANCELLED:
        parts.append("**This meetup is cancelled.**" + (f" {meetup.cancel_reason}" if meetup.cancel_reason else ""))
    elif phase in (Phase.ENDED, Phase.CLOSED):
        came = len(roster.attended)
        parts.append(f"**This meetup is over: {came} attended.**")
    elif phase == Phase.CHECK_IN:
        parts.append("**Check-in is open:** click *I'm here* when you arrive.")
    if meetup.description:
        parts.append(meetup.description)
    return shorten("\n\n".join(parts), EMBED_DESCRIPTION)


def _member_lists(roster: Roster, phase: Phase) -> list[tuple[str, list[int], bool]]:
    capacity = roster.meetup.capacity
    going_name = f"Going ({len(roster.going)} / {capacity})" if capacity else f"Going ({len(roster.going)})"
    lists = [
        (going_name, [e.user_id for e in roster.going], False),
        (f"Maybe ({len(roster.maybe)})", [e.user_id for e in roster.maybe], False),
        (f"Can't go ({len(roster.declined)})", [e.user_id for e in roster.declined], False),
    ]
    if capacity is not None or roster.waitlist:
        lists.append((f"Waitlist ({len(roster.waitlist)})", [e.user_id for e in roster.waitlist], True))
    if phase != Phase.UPCOMING and roster.meetup.status != MeetupStatus.CANCELLED:
        lists.append((f"Attended ({len(roster.attended)})", list(roster.attended), False))
    return lists
