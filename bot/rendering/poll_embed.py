"""The time poll's message and the private answers around it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import discord

from bot.constants import COLOUR_MUTED, COLOUR_PRIMARY, COLOUR_SUCCESS
from bot.db.models import PollOption, PollStatus
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TITLE, EMBED_TOTAL, SELECT_OPTION_LABEL, shorten
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


@dataclass(frozen=True, slots=True)
class ResultsDetail:
    """Who chose what: embeds, and when everyone does not fit in them, a CSV of all the votes."""

    embeds: list[discord.Embed]
    note: str  # the message's text: says when the CSV holds what the embeds could not
    csv: bytes | None = None
    csv_name: str = ""


def render_results_detail(results: PollResults) -> ResultsDetail:
    """Everyone's choices within one message: per option when that fits, else per voter, else as
    many voters as fit and a CSV with all of them."""
    voters = results.voters
    if not voters:
        return ResultsDetail(_embeds(results, ["Nobody has voted yet."]), "")
    by_option = _lines_by_option(results)
    if _pack(by_option, budget=_budget(results)) is not None:
        return ResultsDetail(_embeds(results, by_option), "")
    key = _option_key(results)
    lines = [_voter_line(results, user_id) for user_id in voters]
    if _pack([*key, *lines], budget=_budget(results)) is not None:
        return ResultsDetail(_embeds(results, [*key, *lines]), "")
    shown = _most_that_fit(results, key, lines)
    rest = f"… and {len(voters) - shown} more voters: everyone is in the attached CSV."
    note = (
        f"{len(voters)} voters' choices are more than one Discord message can show: "
        f"the first {shown} are below, and everyone's are in the attached CSV."
    )
    return ResultsDetail(
        _embeds(results, [*key, *lines[:shown], rest]),
        note,
        render_results_csv(results),
        f"poll-{results.poll.id}-votes.csv",
    )


EMBEDS_PER_MESSAGE = 10
_TOTAL_MARGIN = 100  # room for the title and footer, counted against the same 6,000 characters


def _budget(results: PollResults) -> int:
    return EMBED_TOTAL - _TOTAL_MARGIN - len(_results_title(results))


def _results_title(results: PollResults) -> str:
    return shorten(f"Results: {results.poll.title}", EMBED_TITLE)


def _lines_by_option(results: PollResults) -> list[str]:
    lines = []
    for tally in results.options:
        lines.append(
            f"**{tally.option.position + 1}.** {full_time(tally.option.starts_at)} · "
            f"{YES_MARK} {len(tally.yes)} · {MAYBE_MARK} {len(tally.if_need_be)}"
        )
        lines.append(f"{YES_MARK} {' '.join(f'<@{u}>' for u in tally.yes) or '—'}")
        lines.append(f"{MAYBE_MARK} {' '.join(f'<@{u}>' for u in tally.if_need_be) or '—'}")
    return lines


def _option_key(results: PollResults) -> list[str]:
    return [
        f"**{t.option.position + 1}.** {full_time(t.option.starts_at)} · "
        f"{YES_MARK} {len(t.yes)} · {MAYBE_MARK} {len(t.if_need_be)}"
        for t in results.options
    ] + ["", "**Each voter** (option numbers as above):"]


def _voter_line(results: PollResults, user_id: int) -> str:
    yes = [str(t.option.position + 1) for t in results.options if user_id in t.yes]
    maybe = [str(t.option.position + 1) for t in results.options if user_id in t.if_need_be]
    kinds = [f"{YES_MARK} {','.join(yes)}" if yes else "", f"{MAYBE_MARK} {','.join(maybe)}" if maybe else ""]
    return f"<@{user_id}> {' · '.join(k for k in kinds if k)}"


def _most_that_fit(results: PollResults, key: list[str], lines: list[str]) -> int:
    """How many voter lines fit beside the key and the closing line (binary search: fitting is monotone)."""
    low, high = 0, len(lines)
    while low < high:
        middle = (low + high + 1) // 2
        rest = f"… and {len(lines) - middle} more voters: everyone is in the attached CSV."
        if _pack([*key, *lines[:middle], rest], budget=_budget(results)) is not None:
            low = middle
        else:
            high = middle - 1
    return low


def _pack(lines: list[str], *, budget: int) -> list[str] | None:
    """The lines as embed descriptions (each within Discord's 4,096 characters, at most ten, at
    most `budget` characters in all, never splitting a line); None when they do not fit."""
    descriptions: list[str] = []
    current: str | None = None
    for line in lines:
        if len(line) > EMBED_DESCRIPTION:
            return None
        if current is not None and len(current) + 1 + len(line) <= EMBED_DESCRIPTION:
            current = f"{current}\n{line}"
            continue
        if current is not None:
            descriptions.append(current)
        current = line
    if current is not None:
        descriptions.append(current)
    if len(descriptions) > EMBEDS_PER_MESSAGE or sum(len(d) for d in descriptions) > budget:
        return None
    return descriptions


def _embeds(results: PollResults, lines: list[str]) -> list[discord.Embed]:
    descriptions = _pack(lines, budget=_budget(results))
    assert descriptions is not None, "callers check that the lines fit"
    embeds = [discord.Embed(description=d, colour=COLOUR_PRIMARY) for d in descriptions]
    embeds[0].title = _results_title(results)
    voters = len(results.voters)
    embeds[-1].set_footer(text=f"{poll_footer(results.poll.id)} · {voters} voter{'s' if voters != 1 else ''}")
    return embeds


def render_results_csv(results: PollResults) -> bytes:
    """One row per voter (in vote order), one column per option: works, if need be, or empty."""
    zone = results.poll.timezone
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "user_id",
            "name",
            *(
                f"{t.option.position + 1}. {ParsedTime(t.option.starts_at, zone).local:%Y-%m-%d %H:%M} {zone}"
                for t in results.options
            ),
        ]
    )
    for user_id in results.voters:
        cells = [
            "works" if user_id in t.yes else "if need be" if user_id in t.if_need_be else "" for t in results.options
        ]
        writer.writerow([user_id, _csv_safe(results.names.get(user_id, "")), *cells])
    return buffer.getvalue().encode("utf-8")


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in names members chose themselves."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


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
