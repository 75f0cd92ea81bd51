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
from bot.rendering.meetup_embed import meetup_footer
from bot.rendering.notices import Post, safe_title, with_mentions
from bot.rendering.poll_embed import poll_footer
from bot.rendering.time_format import full_and_relative, relative_time

LATE_NOTE = "(Late: the bot was offline when this reminder was due.)"
NAME_MAX = 100  # Discord's server and channel names are at most 100 characters


@dataclass(frozen=True, slots=True)
class ReminderPost:
    """The posts of one reminder: the first carries the embed (and the buttons of a nudge)."""

    posts: list[Post]
    embed: discord.Embed


# After the meetup's (or poll's) number in the footer: what kind of reminder this is, in words.
_KIND_WORDS = {
    ReminderKind.BEFORE: "reminder",
    ReminderKind.STARTING: "starting now",
    ReminderKind.NUDGE: "for those who said Maybe",
    ReminderKind.POLL_CLOSING: "closing soon",
}


@dataclass(frozen=True, slots=True)
class DmPlace:
    """Where a reminder read in DMs comes from; None where the bot could not learn the name."""

    channel_id: int
    server_name: str | None
    channel_name: str | None


def reminder_footer(reminder: Reminder, number: str) -> str:
    """`Meetup #12 · reminder`: the public number and the kind, never the reminder's own row."""
    return f"{number} · {_KIND_WORDS[reminder.kind]}"


def is_post_of(embed: discord.Embed, reminder: Reminder, number: str) -> bool:
    """Whether a posted embed is this reminder's, as a retry looks for it: its footer and the
    embed's time (the reminder's due time, to the second, as Discord keeps it); or, for a post made
    before footers changed, the row's number it carried then."""
    if embed.footer.text and embed.footer.text.endswith(f" · reminder #{reminder.id}"):
        return True
    return (
        embed.footer.text == reminder_footer(reminder, number)
        and embed.timestamp is not None
        and int(embed.timestamp.timestamp()) == int(reminder.due_at.timestamp())
    )


def render_meetup_reminder(
    reminder: Reminder, meetup: Meetup, *, ping_user_ids: Sequence[int], link: str | None, late: bool
) -> ReminderPost:
    return ReminderPost(
        with_mentions(_meetup_header(reminder, meetup, late=late), ping_user_ids),
        _meetup_embed(reminder, meetup, link),
    )


def render_dm_reminder(
    reminder: Reminder, meetup: Meetup, *, place: DmPlace, link: str | None, late: bool
) -> ReminderPost:
    """The same reminder for one member's DMs: it names the server and the channel, pings no one."""
    text = f"{_meetup_header(reminder, meetup, late=late)}\n{_from_where(place)}"
    return ReminderPost([Post(text)], _meetup_embed(reminder, meetup, link))


def _from_where(place: DmPlace) -> str:
    # A DM has no server around it; a channel mention there shows only to those who can see it.
    channel = f"#{_plain(place.channel_name)}" if place.channel_name else f"<#{place.channel_id}>"
    return f"In **{_plain(place.server_name)}**, {channel}." if place.server_name else f"In {channel}."


def _plain(name: str | None) -> str:
    return escape_mentions(escape_markdown(shorten(name or "", NAME_MAX)))


def render_poll_reminder(reminder: Reminder, poll: Poll, *, link: str | None, late: bool) -> ReminderPost:
    title = escape_mentions(escape_markdown(shorten(poll.title, 200)))
    closes = relative_time(poll.closes_at) if poll.closes_at is not None else "soon"
    text = f"🗳️ The poll **{title}** closes {closes}. Vote now if you haven't yet."
    embed = discord.Embed(title=shorten(f"Poll: {poll.title}", EMBED_TITLE), colour=COLOUR_PRIMARY, url=link)
    if poll.closes_at is not None:
        embed.add_field(name="Closes", value=full_and_relative(poll.closes_at), inline=False)
    embed.set_footer(text=reminder_footer(reminder, poll_footer(poll.id)))
    embed.timestamp = reminder.due_at
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
    embed.set_footer(text=reminder_footer(reminder, meetup_footer(meetup.id)))
    embed.timestamp = reminder.due_at
    return embed
