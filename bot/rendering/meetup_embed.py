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
from bot.services.durations import describe_duration
from bot.services.lifecycle import Phase
from bot.services.roster import Roster

_COLOURS = {MeetupStatus.SCHEDULED: COLOUR_PRIMARY, MeetupStatus.CANCELLED: COLOUR_DANGER}
_OVER = (Phase.OVER, Phase.CLOSED)
_TAKING_ANSWERS = (Phase.SCHEDULED, Phase.CHECK_IN, Phase.UNDER_WAY)  # by the phases, before any cut-off


def meetup_footer(meetup_id: int) -> str:
    return f"Meetup #{meetup_id}"


def render_meetup_embed(roster: Roster, phase: Phase, *, answers_closed: bool = False) -> discord.Embed:
    """`answers_closed`: the organizer's answer cut-off has passed (`lifecycle.answers_closed`)."""
    meetup = roster.meetup
    title = shorten(meetup.title, EMBED_TITLE)
    description = _description(roster, phase, answers_closed=answers_closed)
    colour = COLOUR_MUTED if phase in _OVER else _COLOURS.get(meetup.status, COLOUR_MUTED)
    embed = discord.Embed(title=title, description=description or None, colour=colour)
    embed.add_field(name="When", value=full_and_relative(meetup.starts_at), inline=False)
    if meetup.answers_close_at is not None and not answers_closed and phase in _TAKING_ANSWERS:
        embed.add_field(name="Answers close", value=full_and_relative(meetup.answers_close_at), inline=False)
    if meetup.location:
        embed.add_field(name="Where", value=shorten(meetup.location, EMBED_FIELD_VALUE), inline=False)
    if roster.follows is not None:
        embed.add_field(name="Follows", value=_follows(roster.follows), inline=False)
    embed.add_field(name="Organizer", value=f"<@{meetup.created_by}>", inline=True)
    embed.add_field(name="Duration", value=describe_duration(meetup.ends_at - meetup.starts_at), inline=True)
    footer = meetup_footer(meetup.id)
    embed.set_footer(text=footer)

    lists = _member_lists(roster, phase)
    parties = roster.parties()
    used = (
        len(title) + len(description) + len(footer) + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    )
    used += sum(len(name) for name, _, _ in lists)
    budget = EMBED_TOTAL - used
    for index, (name, user_ids, numbered) in enumerate(lists):
        share = min(EMBED_FIELD_VALUE, budget // (len(lists) - index))
        value = fit_mentions(user_ids, share, numbered=numbered, guests=parties)
        budget -= len(value)
        embed.add_field(name=name, value=value, inline=not numbered)
    return embed


def _follows(first: Meetup) -> str:
    title = shorten(discord.utils.escape_markdown(first.title), 200)
    link = f" {message_link(first.guild_id, first.channel_id, first.message_id)}" if first.message_id else ""
    return f"Meetup #{first.id} **{title}**, {full_time(first.starts_at)}{link}"


def _description(roster: Roster, phase: Phase, *, answers_closed: bool) -> str:
    meetup = roster.meetup
    parts = []
    if answers_closed and meetup.answers_close_at is not None and phase in _TAKING_ANSWERS:
        closed = full_time(meetup.answers_close_at)
        parts.append(f"**Answers closed at {closed}:** the lists below stay as they are.")
    if phase == Phase.CANCELLED:
        parts.append("**This meetup is cancelled.**" + (f" {meetup.cancel_reason}" if meetup.cancel_reason else ""))
    elif phase in _OVER:
        came = len(roster.attended)
        parts.append(f"**This meetup is over: {came} attended.**")
    elif phase == Phase.CHECK_IN:
        parts.append("**Check-in is open:** click *I'm here* when you arrive.")
    elif phase == Phase.UNDER_WAY:
        parts.append("**Under way, check-in is open:** click *I'm here* when you arrive.")
    if meetup.description:
        parts.append(meetup.description)
    return shorten("\n\n".join(parts), EMBED_DESCRIPTION)


def _member_lists(roster: Roster, phase: Phase) -> list[tuple[str, list[int], bool]]:
    capacity = roster.meetup.capacity
    people = roster.people_going  # a party counts as the people in it
    going_name = f"Going ({people} / {capacity})" if capacity else f"Going ({people})"
    lists = [
        (going_name, [e.user_id for e in roster.going], False),
        (f"Maybe ({len(roster.maybe)})", [e.user_id for e in roster.maybe], False),
        (f"Can't go ({len(roster.declined)})", [e.user_id for e in roster.declined], False),
    ]
    if capacity is not None or roster.waitlist:
        lists.append((f"Waitlist ({len(roster.waitlist)})", [e.user_id for e in roster.waitlist], True))
    if phase not in (Phase.SCHEDULED, Phase.CANCELLED):
        lists.append((f"Attended ({len(roster.attended)})", list(roster.attended), False))
    return lists
