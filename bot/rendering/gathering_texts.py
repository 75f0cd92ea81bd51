"""What a gathering's roll call shows, and the private answers about it: pure functions of the
gathering and its roll call. Everything sent is fitted to Discord's limits on the way out; the
lists here keep to a budget so that a long roll call still reads whole, with `and N more`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.db.models import Gathering, GatheringMember
from bot.rendering.csv_files import write_csv
from bot.rendering.gathering_components import day_label
from bot.rendering.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELD_VALUE,
    EMBED_FIELDS,
    EMBED_TITLE,
    EMBED_TOTAL,
    fit_mentions,
    shorten,
)
from bot.services.gatherings import days_of, gathering_days

COLOUR = discord.Colour.teal()
_HOW = "Click **I'm coming** and pick the days you are there; **Who's coming** lists everyone by day."
_ALL_IN_FILE = "Everyone, with their days and lines, is in the attached file."
_SPARE = 20  # the embed total also counts its footer and the like; none here, a margin all the same


def span_text(gathering: Gathering) -> str:
    first, last = gathering.starts_on, gathering.ends_on
    if first == last:
        return f"{first:%a %-d %b %Y}"
    same_year = first.year == last.year
    return f"{first:%a %-d %b}{'' if same_year else f' {first:%Y}'} – {last:%a %-d %b %Y}"


def shown_line(about: str) -> str:
    """A member's line as they typed it, shown as text: no links, mentions or headings of theirs."""
    return escape_mentions(escape_markdown(about))


def render_gathering_embed(
    gathering: Gathering, counts: Mapping[date, int], *, coming: int, over: bool
) -> discord.Embed:
    """The roll call: where and when, how many are there each day, and how to join."""
    lines = [f"📅 {span_text(gathering)} ({gathering.timezone})"]
    if gathering.location:
        lines.append(f"📍 {gathering.location}")
    lines.append("")
    lines.append("This gathering is over." if over else _HOW)
    embed = discord.Embed(title=gathering.title, description="\n".join(lines), colour=COLOUR)
    days = "\n".join(f"{day_label(day)} · **{count}**" for day, count in counts.items())
    embed.add_field(name="There each day", value=days or "—", inline=False)
    embed.set_footer(text=f"Gathering #{gathering.id} · {coming} coming")
    return embed


def render_joined(gathering: Gathering, member: GatheringMember, *, new: bool) -> str:
    days = sorted(days_of(member))
    every = len(days) == len(gathering_days(gathering))
    which = f"all {len(days)} days" if every and len(days) > 1 else ", ".join(day_label(d) for d in days)
    head = (
        f"You're on the roll call of **{gathering.title}** for {which}."
        if new
        else f"You're already on the roll call of **{gathering.title}**, for {which}."
    )
    about = f"\nAbout you: {shown_line(member.about)}" if member.about else ""
    return (
        f"{head}{about}\nPick the days you are there in the menu below; **About me** adds a line others see in "
        "**Who's coming** (where you're from, what you work on); **Not coming** takes you off."
    )


def render_days_set(gathering: Gathering, member: GatheringMember) -> str:
    days = sorted(days_of(member))
    return f"Your days at **{gathering.title}**: {', '.join(day_label(d) for d in days)}."


def render_about_set(gathering: Gathering, member: GatheringMember) -> str:
    if member.about:
        return f"Others at **{gathering.title}** now see this about you: {shown_line(member.about)}"
    return f"Your line at **{gathering.title}** is cleared."


def render_left(gathering: Gathering, *, was_on: bool) -> str:
    if not was_on:
        return f"You weren't on the roll call of **{gathering.title}**."
    return f"You're off the roll call of **{gathering.title}**. Click **I'm coming** again if your plans change."


@dataclass(frozen=True, slots=True)
class RollCall:
    """Who's coming as a reply: the embed, and a spreadsheet of everyone when the embed could not
    show them all (a conference of many members over many days)."""

    embed: discord.Embed
    csv: bytes | None
    csv_name: str


def render_roll_call(gathering: Gathering, members: Sequence[GatheringMember]) -> RollCall:
    """Who's coming, day by day, then the lines they wrote about themselves, within the embed's
    6,000 characters: the list by day first, the lines in what is left; what did not fit is in
    the attached file."""
    embed = discord.Embed(title=shorten(f"Who's coming: {gathering.title}", EMBED_TITLE), colour=COLOUR)
    name = f"roll-call-{gathering.id}.csv"
    if not members:
        embed.description = "Nobody yet. Click **I'm coming** to be the first."
        return RollCall(embed, None, name)
    days = gathering_days(gathering)
    room = EMBED_TOTAL - len(embed.title or "") - _SPARE
    about_lines = [f"<@{m.user_id}>: {shown_line(m.about)}" for m in members if m.about]
    listing = min(EMBED_DESCRIPTION, room // 2 if about_lines else room)
    budget = max(40, (listing - 80) // len(days) - 24)
    sections = []
    complete = True
    for day in days:
        there = [m.user_id for m in members if day.isoformat() in m.days]
        shown = fit_mentions(there, budget)
        complete = complete and shown.count("<@") == len(there)
        sections.append(f"**{day_label(day)}** · {len(there)}\n{shown}")
    head = f"{len(members)} coming."
    description = head + "\n\n" + "\n\n".join(sections)
    complete = complete and len(description) <= listing
    embed.description = shorten(description, listing)
    left = room - len(embed.description)
    chunks = _chunks(about_lines, EMBED_FIELD_VALUE)
    for number, chunk in enumerate(chunks):
        field_name = "Who they are" if number == 0 else "\u200b"
        if number >= EMBED_FIELDS or len(field_name) + len(chunk) + len(_ALL_IN_FILE) > left:
            complete = False
            break
        embed.add_field(name=field_name, value=chunk, inline=False)
        left -= len(field_name) + len(chunk)
    if complete:
        return RollCall(embed, None, name)
    embed.set_footer(text=_ALL_IN_FILE)
    return RollCall(embed, roll_call_csv(gathering, members), name)


def roll_call_csv(gathering: Gathering, members: Sequence[GatheringMember]) -> bytes:
    """Everyone on the roll call, a column per day: for the organizer's spreadsheet."""
    days = gathering_days(gathering)
    header = ["name", "user id", "about", *(day.isoformat() for day in days)]
    rows = [
        [m.member_name, m.user_id, m.about, *("there" if day.isoformat() in m.days else "" for day in days)]
        for m in members
    ]
    return write_csv(header, rows)


def _chunks(lines: Sequence[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for written in lines:
        line = shorten(written, limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def render_gathering_posted(gathering: Gathering, link: str) -> str:
    return (
        f"Gathering #{gathering.id} **{gathering.title}** is posted: {link}\n"
        f"{span_text(gathering)}, days read in {gathering.timezone}. Members click **I'm coming** and pick their "
        f"days; polls among them: `/meetup poll ... gathering:{gathering.id}`."
    )
