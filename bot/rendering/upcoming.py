"""What is coming up, drawn: `/meetup upcoming`'s private pages and the live board's message.

Entries are whole or not there: a page takes entries while they fit, and the next page goes on
where it stopped, so nothing is ever cut to fit (a long title is shortened, with "…", before it
is placed). The board has one message: it shows the soonest entries that fit and says how many
more there are and where to see them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from discord.ui import Button
from discord.utils import escape_markdown, escape_mentions

from bot.constants import COLOUR_PRIMARY
from bot.db.models import RsvpStatus
from bot.rendering.limits import EMBED_DESCRIPTION, shorten
from bot.rendering.time_format import full_and_relative, message_link, relative_time
from bot.services.upcoming import Coming, ComingItem, ComingMeetup, ComingPoll, MyAnswer, item_key

UPCOMING_PREFIX = "upcoming:page"
ENTRIES_PER_PAGE = 10
TITLE_IN_LIST = 100
# Room for the entries in an embed's description, with a line left for the board's "and N more".
PAGE_BUDGET = EMBED_DESCRIPTION - 200
BOARD_TITLE = "Coming up"

_ANSWERS = {
    RsvpStatus.GOING: "Going",
    RsvpStatus.MAYBE: "Maybe",
    RsvpStatus.DECLINED: "Can't go",
}


@dataclass(frozen=True, slots=True)
class Page:
    embed: discord.Embed
    number: int  # from 0
    count: int


def list_title(title: str) -> str:
    """A title as one entry shows it: at most TITLE_IN_LIST characters, markdown and mentions inert."""
    flat = " ".join(title.split())
    return escape_mentions(escape_markdown(shorten(flat, TITLE_IN_LIST)))


def render_entry(item: ComingItem, now: datetime, answer: MyAnswer | None = None, *, personal: bool = False) -> str:
    """Two lines: the title and number, then when, seats or votes, the member's answer (`personal`), the link."""
    if isinstance(item, ComingMeetup):
        return _meetup_entry(item, now, answer, personal=personal)
    return _poll_entry(item, answer, personal=personal)


def _meetup_entry(item: ComingMeetup, now: datetime, answer: MyAnswer | None, *, personal: bool) -> str:
    meetup = item.meetup
    parts = [full_and_relative(meetup.starts_at)]
    if meetup.starts_at <= now:
        parts.append("under way")
    left = item.seats_left
    if left is None:
        parts.append(f"{item.going} going")
    elif left == 0:
        parts.append(f"full ({meetup.capacity} seats)")
    else:
        parts.append(f"{left} of {meetup.capacity} seats left")
    if personal:
        parts.append(f"you: **{_my_meetup_answer(answer)}**")
    link = _link(meetup.guild_id, meetup.channel_id, meetup.message_id, meetup.message_missing)
    if link:
        parts.append(link)
    return f"**{list_title(meetup.title)}** · Meetup #{meetup.id}\n" + " · ".join(parts)


def _poll_entry(item: ComingPoll, answer: MyAnswer | None, *, personal: bool) -> str:
    poll = item.poll
    times = (
        f"{full_and_relative(item.first_option)}"
        if item.options == 1
        else f"{item.options} times from {full_and_relative(item.first_option)}"
    )
    parts = [times]
    if poll.closes_at is not None:
        parts.append(f"voting closes {relative_time(poll.closes_at)}")
    parts.append(f"{item.voters} voted" if item.voters != 1 else "1 voted")
    if personal:
        parts.append(f"you: **{'voted' if answer and answer.voted else 'not voted'}**")
    link = _link(poll.guild_id, poll.channel_id, poll.message_id, poll.message_missing)
    if link:
        parts.append(link)
    return f"🗳️ **{list_title(poll.title)}** · Poll #{poll.id} (time poll)\n" + " · ".join(parts)


def _my_meetup_answer(answer: MyAnswer | None) -> str:
    if answer is None or answer.status is None:
        return "not answered"
    if answer.status == RsvpStatus.WAITLISTED:
        return f"waitlisted #{answer.waitlist_place}" if answer.waitlist_place else "waitlisted"
    return _ANSWERS[answer.status]


def _link(guild_id: int, channel_id: int, message_id: int | None, missing: bool) -> str | None:
    if message_id is None or missing:
        return None  # a deleted message helps nobody
    return f"[message]({message_link(guild_id, channel_id, message_id)})"


def pack_pages(
    entries: Sequence[str], *, budget: int = PAGE_BUDGET, per_page: int = ENTRIES_PER_PAGE
) -> list[list[str]]:
    """Entries in order, as many per page as fit in `budget` characters (joined by blank lines)."""
    pages: list[list[str]] = [[]]
    used = 0
    for entry in entries:
        page = pages[-1]
        needed = len(entry) + (2 if page else 0)
        if page and (used + needed > budget or len(page) >= per_page):
            pages.append([])
            page, used, needed = pages[-1], 0, len(entry)
        page.append(entry)
        used += needed
    return pages


def render_upcoming_page(
    coming: Coming, answers: Mapping[tuple[str, int], MyAnswer], *, page: int, now: datetime
) -> Page:
    """One page of `/meetup upcoming` (`page` from 0, clamped to the pages there are)."""
    embed = discord.Embed(title="Coming up in this server", colour=COLOUR_PRIMARY)
    if not coming.items:
        embed.description = (
            "Nothing is coming up in the channels you can see: no meetup ahead and no open poll. "
            "Organizers post them with `/meetup create` and `/meetup poll`."
        )
        return Page(embed, 0, 1)
    entries = [render_entry(item, now, answers.get(item_key(item)), personal=True) for item in coming.items]
    pages = pack_pages(entries)
    number = min(max(page, 0), len(pages) - 1)
    embed.description = "\n\n".join(pages[number])
    footer = f"Page {number + 1} of {len(pages)} · {_counted(coming)}"
    embed.set_footer(text=footer)
    return Page(embed, number, len(pages))


def _counted(coming: Coming) -> str:
    shown = len(coming.items)
    what = "meetup or poll" if coming.total == 1 else "meetups and polls"
    if coming.total > shown:
        return f"the first {shown} of {coming.total} {what}"
    return f"{coming.total} {what}"


def page_buttons(user_id: int, page: Page) -> list[Button[Any]]:
    """Previous and Next, for the member who asked; their custom ids carry the member and the page."""
    return [
        Button(
            label="Previous",
            style=discord.ButtonStyle.secondary,
            custom_id=f"{UPCOMING_PREFIX}:{user_id}:{page.number - 1}:prev",
            disabled=page.number == 0,
        ),
        Button(
            label="Next",
            style=discord.ButtonStyle.secondary,
            custom_id=f"{UPCOMING_PREFIX}:{user_id}:{page.number + 1}:next",
            disabled=page.number + 1 >= page.count,
        ),
    ]


def render_board(coming: Coming, *, now: datetime) -> discord.Embed:
    """The live board: what is coming up, public to everyone who sees its channel; no one's answers."""
    embed = discord.Embed(title=BOARD_TITLE, colour=COLOUR_PRIMARY)
    if not coming.items:
        embed.description = "Nothing is coming up right now. New meetups and polls appear here as they are posted."
    else:
        entries = [render_entry(item, now) for item in coming.items]
        shown = pack_pages(entries, per_page=len(entries))[0]
        hidden = coming.total - len(shown)
        text = "\n\n".join(shown)
        if hidden:
            text += f"\n\n…and {hidden} more: `/meetup upcoming` lists them all."
        embed.description = text
    embed.set_footer(text="Kept up to date by the bot · times are in your own time zone")
    return embed
