"""The time poll's message and the private answers around it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import discord

from bot.constants import COLOUR_MUTED, COLOUR_PRIMARY, COLOUR_SUCCESS
from bot.db.models import Poll, PollOption, PollStatus, VoteKind
from bot.rendering.csv_files import Cell, write_csv
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TITLE, EMBED_TOTAL, SELECT_OPTION_LABEL, shorten
from bot.rendering.time_format import full_and_relative, full_time, relative_time
from bot.services.poll_finalize import Finalized
from bot.services.poll_tallies import OptionTally, PollResults, PollSummary
from bot.services.polls import MyChoices
from bot.services.time_parsing import ParsedTime

BAR_WIDTH = 10
YES_MARK, MAYBE_MARK, AWAY_MARK = "✅", "🤷", "💤"


# A gathering's poll: why an option's counts can be lower than the votes it got.
ROLL_CALL_RULE = (
    "-# *present* counts the gathering's roll call there that day; a vote from the roll call on a day "
    "its member is away is kept but not counted."
)


def present_note(present: int | None) -> str:
    return f" · present {present}" if present is not None else ""


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


def as_summary(results: PollResults | PollSummary) -> PollSummary:
    return results.summary() if isinstance(results, PollResults) else results


def render_poll_embed(results: PollResults | PollSummary, *, meetup_link: str | None = None) -> discord.Embed:
    """The poll message: counts only, so its size and cost do not grow with the voters."""
    summary = as_summary(results)
    poll = summary.poll
    voters = summary.voter_count
    best = summary.best() if voters else None
    lines = []
    if poll.description:
        lines += [shorten(poll.description, 1500), ""]
    for count in summary.options:
        star = " ⭐" if best is not None and count is best and poll.status != PollStatus.OPEN else ""
        bar = count_bar(count.yes, count.if_need_be, voters)
        lines.append(
            f"**{count.option.position + 1}.** {full_time(count.option.starts_at)}{star}\n"
            f"`{bar}` {YES_MARK} {count.yes} · {MAYBE_MARK} {count.if_need_be}{present_note(count.present)}"
        )
    lines.append("")
    if summary.roll_call is not None:
        lines.append(ROLL_CALL_RULE)
    lines.append(_status_line(poll, meetup_link))
    colour = {PollStatus.OPEN: COLOUR_PRIMARY, PollStatus.FINALIZED: COLOUR_SUCCESS}.get(poll.status, COLOUR_MUTED)
    embed = discord.Embed(
        title=shorten(f"Poll: {poll.title}", EMBED_TITLE),
        description=shorten("\n".join(lines), EMBED_DESCRIPTION),
        colour=colour,
    )
    embed.add_field(name="Voters", value=str(voters), inline=True)
    if summary.roll_call is not None:
        among = f"**{discord.utils.escape_markdown(summary.gathering_title or 'the gathering')}**"
        embed.add_field(
            name="Among", value=shorten(f"{among}: {summary.roll_call} on the roll call", 1024), inline=True
        )
    if poll.location:
        embed.add_field(name="Where", value=shorten(poll.location, 1024), inline=True)
    embed.set_footer(text=poll_footer(poll.id))
    return embed


def _status_line(poll: Poll, meetup_link: str | None) -> str:
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


def render_cleared(choices: MyChoices) -> str:
    if not choices.cleared:
        return "You had no votes on this poll, so there was nothing to clear."
    if choices.cleared == 1:
        return "Your vote on this poll is cleared."
    return f"Your {choices.cleared} votes on this poll are cleared."


@dataclass(frozen=True, slots=True)
class ResultsDetail:
    """Who chose what: embeds, and when everyone does not fit in them, a CSV of all the votes."""

    embeds: list[discord.Embed]
    note: str  # the message's text: says when the CSV holds what the embeds could not
    csv: bytes | None = None
    csv_name: str = ""


def render_results_detail(results: PollResults) -> ResultsDetail:
    """Everyone's choices within one message: per option when that fits, else per voter, else as
    many voters as fit and a CSV with all of them. Linear in the votes: each voter's line comes
    from their ballot, and no more lines are built than one message could ever hold."""
    voters = results.voters
    if not voters:
        return ResultsDetail(_embeds(results, ["Nobody has voted yet."]), "")
    budget = _budget(results)
    by_option = _lines_by_option(results, budget)
    if by_option is not None and _pack(by_option, budget=budget) is not None:
        return ResultsDetail(_embeds(results, by_option), "")
    key = _option_key(results)
    lines = [_voter_line(results, user_id) for user_id in voters[: budget // SHORTEST_VOTER_LINE]]
    if len(lines) == len(voters) and _pack([*key, *lines], budget=budget) is not None:
        return ResultsDetail(_embeds(results, [*key, *lines]), "")
    shown = _most_that_fit(results, key, lines)
    rest = _more_line(len(voters) - shown)
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
# No voter's line is shorter ("<@1> ✅ 1" and its line break): no more lines than the budget
# divided by this can fit in one message, however many voters there are.
SHORTEST_VOTER_LINE = 9
# Nor is a mention in a per-option list shorter ("<@1>" and a space).
SHORTEST_MENTION = 5


def _budget(results: PollResults) -> int:
    return EMBED_TOTAL - _TOTAL_MARGIN - len(_results_title(results))


def _results_title(results: PollResults) -> str:
    return shorten(f"Results: {results.poll.title}", EMBED_TITLE)


def _lines_by_option(results: PollResults, budget: int) -> list[str] | None:
    """Each option and its voters' mentions; None when so many votes could never fit."""
    if sum(len(t.yes) + len(t.if_need_be) + len(t.away) for t in results.options) * SHORTEST_MENTION > budget:
        return None
    lines = []
    for tally in results.options:
        lines.append(_option_head(tally))
        lines.append(f"{YES_MARK} {' '.join(f'<@{u}>' for u in tally.yes) or '—'}")
        lines.append(f"{MAYBE_MARK} {' '.join(f'<@{u}>' for u in tally.if_need_be) or '—'}")
        if tally.away:
            lines.append(f"{AWAY_MARK} away that day: {' '.join(f'<@{u}>' for u in tally.away)}")
    return lines


def _option_head(tally: OptionTally) -> str:
    return (
        f"**{tally.option.position + 1}.** {full_time(tally.option.starts_at)} · "
        f"{YES_MARK} {len(tally.yes)} · {MAYBE_MARK} {len(tally.if_need_be)}{present_note(tally.present)}"
    )


def _option_key(results: PollResults) -> list[str]:
    return [_option_head(t) for t in results.options] + ["", "**Each voter** (option numbers as above):"]


def _voter_line(results: PollResults, user_id: int) -> str:
    ballot = results.ballots[user_id]
    kinds = [
        f"{YES_MARK} {','.join(map(str, ballot.yes))}" if ballot.yes else "",
        f"{MAYBE_MARK} {','.join(map(str, ballot.if_need_be))}" if ballot.if_need_be else "",
        f"{AWAY_MARK} {','.join(map(str, ballot.away))}" if ballot.away else "",
    ]
    return f"<@{user_id}> {' · '.join(k for k in kinds if k)}"


def _more_line(hidden: int) -> str:
    return f"… and {hidden} more voters: everyone is in the attached CSV."


def _most_that_fit(results: PollResults, key: list[str], lines: list[str]) -> int:
    """How many voter lines fit beside the key and the closing line (binary search: fitting is monotone)."""
    voters, budget = len(results.voters), _budget(results)
    low, high = 0, len(lines)
    while low < high:
        middle = (low + high + 1) // 2
        if _pack([*key, *lines[:middle], _more_line(voters - middle)], budget=budget) is not None:
            low = middle
        else:
            high = middle - 1
    return low


def _pack(lines: list[str], *, budget: int) -> list[str] | None:
    """The lines as embed descriptions (each within Discord's 4,096 characters, at most ten, at
    most `budget` characters in all, never splitting a line); None when they do not fit, as
    soon as that is certain."""
    descriptions: list[str] = []
    current: list[str] = []
    size = total = 0
    for line in lines:
        if len(line) > EMBED_DESCRIPTION:
            return None
        if current and size + 1 + len(line) <= EMBED_DESCRIPTION:
            current.append(line)
            size += 1 + len(line)
        else:
            if current:
                descriptions.append("\n".join(current))
            current, size = [line], len(line)
        total += len(line)
        if total > budget or len(descriptions) >= EMBEDS_PER_MESSAGE:
            return None
    if current:
        descriptions.append("\n".join(current))
    if sum(len(d) for d in descriptions) > budget:
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


_CSV_WORDS = {VoteKind.YES: "works", VoteKind.IF_NEED_BE: "if need be"}
AWAY_WORD = "away that day"  # a gathering poll's vote on a day its voter is away: not counted


def render_results_csv(results: PollResults) -> bytes:
    """One row per voter (by first vote), with their display name, then one column per option:
    works, if need be, or empty."""
    zone = results.poll.timezone
    header = [
        "user_id",
        "name",
        *(
            f"{t.option.position + 1}. {ParsedTime(t.option.starts_at, zone).local:%Y-%m-%d %H:%M} {zone}"
            for t in results.options
        ),
    ]
    return write_csv(header, _csv_rows(results))


def _csv_rows(results: PollResults) -> Iterator[list[Cell]]:
    columns = len(results.options)
    for user_id in results.voters:
        ballot = results.ballots[user_id]
        cells: list[Cell] = [None] * columns
        for number in ballot.yes:
            cells[number - 1] = _CSV_WORDS[VoteKind.YES]
        for number in ballot.if_need_be:
            cells[number - 1] = _CSV_WORDS[VoteKind.IF_NEED_BE]
        for number in ballot.away:
            cells[number - 1] = AWAY_WORD
        yield [user_id, results.names.get(user_id, ""), *cells]


def carried_over(done: Finalized) -> str:
    """What the organizer hears of the voters of the chosen time, once."""
    voters = len(done.notify_user_ids)
    if not voters:
        return "Nobody had voted for that time, so no answers were carried over and nobody was pinged."
    who = "1 voter of that time was" if voters == 1 else f"{voters} voters of that time were"
    return f"{who} told and carried over as answers."


def render_poll_closed_summary(results: PollResults | PollSummary) -> str:
    summary = as_summary(results)
    poll = summary.poll
    if not summary.voter_count:
        return (
            f"Poll #{poll.id} **{discord.utils.escape_markdown(poll.title)}** is closed with no votes. "
            f"<@{poll.created_by}>, you can still pick a time with `/meetup finalize poll:{poll.id} option:<number>`."
        )
    best = summary.best()
    return (
        f"Poll #{poll.id} **{discord.utils.escape_markdown(poll.title)}** is closed. "
        f"Best time: option {best.option.position + 1}, {full_and_relative(best.option.starts_at)} "
        f"({best.yes} works for me, {best.if_need_be} if need be{_present_words(best.present)}).\n"
        f"<@{poll.created_by}>, make it a meetup with `/meetup finalize poll:{poll.id}`."
    )


def _present_words(present: int | None) -> str:
    return f", {present} of the roll call there that day" if present is not None else ""
