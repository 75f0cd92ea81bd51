"""What a reminder says: one post in the channel (its mentions split over more posts if Discord
needs them), or the same words in a member's DMs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.constants import COLOUR_PRIMARY
from bot.db.models import Meetup, Poll, Reminder, ReminderKind
from bot.rendering.limits import EMBED_FIELD_VALUE, EMBED_TITLE, shorten
from bot.rendering.notices import Post, safe_title, with_mentions
from bot.rendering.time_format import full_and_relative, relative_time

LATE_NOTE = "(Late: the bot was offline when this reminder was due.)"


@dataclass(frozen=True, slots=True)
class ReminderPost:
    """The posts of one reminder: the first carries the embed (and the buttons of a nudge)."""

    posts: list[Post]
    embed: discord.Embed


def marker(reminder_id: int) -> str:
    """In the embed's footer: how a retry recognizes a post that was already made."""
    return f"reminder #{reminder_id}"


def render_meetup_reminder(
    reminder: Reminder, meetup: Meetup, *, ping_user_ids: Sequence[int], link: str | None, late: bool
) -> ReminderPost:
    return ReminderPost(
        with_mentions(_meetup_header(reminder, meetup, late=late), ping_user_ids),
        _meetup_embed(reminder, meetup, link),
    )


def render_dm_reminder(reminder: Reminder, meetup: Meetup, *, link: str | None, late: bool) -> ReminderPost:
    """The same reminder for one member's DMs (it names the server's meetup, pings no one)."""
    return ReminderPost([Post(_meetup_header(reminder, meetup, late=late))], _meetup_embed(reminder, meetup, link))


def render_poll_reminder(reminder: Reminder, poll: Poll, *, link: str | None, late: bool) -> ReminderPost:
    title = escape_mentions(escape_markdown(shorten(poll.title, 200)))
    closes = relative_time(poll.closes_at) if poll.closes_at is not None else "soon"
    text = f"🗳️ The poll **{title}** closes {closes}. Vote now if you haven't yet."
    embed = discord.Embed(title=shorten(f"Poll: {poll.title}", EMBED_TITLE), colour=COLOUR_PRIMARY, url=link)
    if poll.closes_at is not None:
        embed.add_field(name="Closes", value=full_and_relative(poll.closes_at), inline=False)
    embed.set_footer(text=f"Poll #{poll.id} · {marker(reminder.id)}")
    return ReminderPost([Post(_with_late_note(text, late))], embed)


def _meetup_header(reminder: Reminder, meetup: Meetup, *, late: bool) -> str:
    title = safe_title(meetup)
    when = full_and_relative(meetup.starts_at)
    match reminder.kind:
        case ReminderKind.STARTING:
            text = f"▶️ **{title}** is starting now ({relative_time(meetup.starts_at)})."
        case ReminderKind.NUDGE:
            text = f"🤔 **{title}** is {relative_time(meetup.starts_at)}. You answered Maybe: can you make it?"
        case _:
            text = f"⏰ Reminder: **{title}** starts {when}."
    return _with_late_note(text, late)


def _with_late_note(text: str, late: bool) -> str:
    return f"{text}\n{LATE_NOTE}" if late else text


def _meetup_embed(reminder: Reminder, meetup: Meetup, link: str | None) -> discord.Embed:
    embed = discord.Embed(title=shorten(meetup.title, EMBED_TITLE), colour=COLOUR_PRIMARY, url=link)
    embed.add_field(name="When", value=full_and_relative(meetup.starts_at), inline=False)
    if meetup.location:
        embed.add_field(name="Where", value=shorten(meetup.location, EMBED_FIELD_VALUE), inline=False)
    if link:
        embed.add_field(name="Meetup", value=f"[Open the meetup message]({link})", inline=False)
    embed.set_footer(text=f"Meetup #{meetup.id} · {marker(reminder.id)}")
    return embed
