"""The time poll's message and the private answers around it."""

from __future__ import annotations

import discord

from bot.constants import COLOUR_MUTED, COLOUR_PRIMARY, COLOUR_SUCCESS
from bot.db.models import PollOption, PollStatus
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TITLE, SELECT_OPTION_LABEL, fit_mentions, shorten
from bot.rendering.time_format import full_and_relative, full_time, relative_time
from bot.services.polls import MyChoices, PollResults
from bot.services.time_parsing import ParsedTime

BAR_WIDTH = 10
YES_MARK, MAYBE_MARK = "✅", "🤷"


def poll_footer(poll_id: int) -> str:
    return f"Poll #{poll_id}"


def option_label(option: PollOption, zone: str) -> str:
    """Select menus cannot show timestamps: the time in the poll's zone, and the zone's name."""
    return shorten(f"{option.position + 1}. {ParsedTime(option.starts_at, zone).readable()}", SELECT_OPTION_LABEL)


def count_bar(yes: int, maybe: int, voters: int) -> str:
    if voters == 0:
        return "░" * BAR_WIDTH
    full = round(BAR_WIDTH * yes / voters)
    half = min(BAR_WIDTH - full, round(BAR_WIDTH * maybe / voters))
    return "█" * full + "▒" * half + "░" * (BAR_WIDTH - full - half)


def render_poll_embed(results: PollResults, *, meetup_link: str | None = None) -> discord.Embed:
    poll = results.poll
    voters = len(results.voters)
    best = results.best() if voters else None
    lines = []
    if poll.description:
        lines += [shorten(poll.description, 1500), ""]
    for tally in results.options:
        star = " ⭐" if best is not None and tally is best and poll.status != PollStatus.OPEN else ""
        bar = count_bar(len(tally.yes), len(tally.if_need_be), voters)
        lines.append(
            f"**{tally.option.position + 1}.** {full_time(tally.option.starts_at)}{star}\n"
            f"`{bar}` {YES_MARK} {len(tally.yes)} · {MAYBE_MARK} {len(tally.if_need_be)}"
        )
    lines.append("")
    lines.append(_status_line(results, meetup_link))
    colour = {PollStatus.OPEN: COLOUR_PRIMARY, PollStatus.FINALIZED: COLOUR_SUCCESS}.get(poll.status, COLOUR_MUTED)
    embed = discord.Embed(
        title=shorten(f"Poll: {poll.title}", EMBED_TITLE),
        description=shorten("\n".join(lines), EMBED_DESCRIPTION),
        colour=colour,
    )
    embed.add_field(name="Voters", value=str(voters), inline=True)
    if poll.location:
        embed.add_field(name="Where", value=shorten(poll.location, 1024), inline=True)
    embed.set_footer(text=poll_footer(poll.id))
    return embed


def _status_line(results: PollResults, meetup_link: str | None) -> str:
    poll = results.poll
    if poll.status == PollStatus.FINALIZED:
        where = f": {meetup_link}" if meetup_link else ""
        return f"**Finalized** as meetup #{poll.meetup_id}{where}"
    if poll.status == PollStatus.CLOSED:
        return "**Voting is closed.**"
    closes = f" Voting closes {relative_time(poll.closes_at)}." if poll.closes_at else ""
    return f"Pick every time that works for you in the menus below.{closes}"


def render_my_choices(choices: MyChoices) -> str:
    yes, maybe = choices.yes, choices.if_need_be
    if not yes and not maybe:
        return "You have no votes on this poll."

    def listed(options: list[PollOption]) -> str:
        return ", ".join(full_time(o.starts_at) for o in options) or "—"

    return f"Your choices:\n{YES_MARK} Works for me: {listed(yes)}\n{MAYBE_MARK} If need be: {listed(maybe)}"


def render_results_detail(results: PollResults) -> discord.Embed:
    """Who chose what, for the Results button."""
    lines = []
    budget_each = max(60, (EMBED_DESCRIPTION - 200) // max(1, len(results.options)) // 2)
    for tally in results.options:
        lines.append(f"**{tally.option.position + 1}.** {full_time(tally.option.starts_at)}")
        lines.append(f"{YES_MARK} {fit_mentions(tally.yes, budget_each)}")
        lines.append(f"{MAYBE_MARK} {fit_mentions(tally.if_need_be, budget_each)}")
    return discord.Embed(
        title=shorten(f"Results: {results.poll.title}", EMBED_TITLE),
        description=shorten("\n".join(lines), EMBED_DESCRIPTION),
        colour=COLOUR_PRIMARY,
    )


def render_poll_closed_summary(results: PollResults) -> str:
    poll = results.poll
    if not results.voters:
        return (
            f"Poll #{poll.id} **{discord.utils.escape_markdown(poll.title)}** is closed with no votes. "
            f"<@{poll.created_by}>, you can still pick a time with `/meetup finalize poll:{poll.id} option:<number>`."
        )
    best = results.best()
    return (
        f"Poll #{poll.id} **{discord.utils.escape_markdown(poll.title)}** is closed. "
        f"Best time: option {best.option.position + 1}, {full_and_relative(best.option.starts_at)} "
        f"({len(best.yes)} works for me, {len(best.if_need_be)} if need be).\n"
        f"<@{poll.created_by}>, make it a meetup with `/meetup finalize poll:{poll.id}`."
    )
