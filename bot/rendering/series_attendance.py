"""`/meetup series` of a recurring series: each meetup with who came, each member's attendance rate.

One private message holds at most 6,000 characters of embeds, which a long series (260 meetups,
500 members) overflows many times: the answer then shows the latest meetups, the most regular
members and those who drifted away, each part saying how many it leaves out, and attaches a CSV
with everyone at every meetup."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.constants import COLOUR_PRIMARY
from bot.rendering.csv_files import Cell, write_csv
from bot.rendering.limits import EMBED_DESCRIPTION, EMBED_TITLE, EMBED_TOTAL, fit_mentions, shorten
from bot.rendering.recurrence_texts import describe
from bot.services.series_attendance import (
    RECENT,
    MemberAttendance,
    OccurrenceAttendance,
    OccurrenceState,
    SeriesAttendance,
)

# Room kept for the embeds' titles and footer, counted against the same 6,000 characters.
_MARGIN = 200
# Who came to one meetup: as many mentions as fit in this, then "and N more".
CAME_SHOWN = 120
# How the room left after the head is shared when everything does not fit: meetups, regulars,
# drifted away (a part that needs less gives the rest to the others).
_SHARES = (0.4, 0.4, 0.2)
_STATES = {
    OccurrenceState.UPCOMING: "upcoming",
    OccurrenceState.UNDER_WAY: "under way",
    OccurrenceState.OVER: "over",
    OccurrenceState.CANCELLED: "cancelled",
    OccurrenceState.SKIPPED: "skipped",
    OccurrenceState.MISSED: "missed (no bot was running then)",
}
CSV_HEAD = ("user_id", "name", "attended", "of", "rate_percent", "first_attended_utc", "last_attended_utc", "drifted")


@dataclass(frozen=True, slots=True)
class SeriesReply:
    embeds: list[discord.Embed]
    note: str  # the message's text: says what the CSV holds when the embeds could not show it all
    csv: bytes | None = None
    csv_name: str = ""


def render_series_attendance(report: SeriesAttendance) -> SeriesReply:
    title = shorten(f"Series: {_plain(report.series.title)}", EMBED_TITLE)
    head = _head(report)
    room = EMBED_TOTAL - _MARGIN - len(title) - len(head)
    meetups = [_occurrence_line(o) for o in report.occurrences]
    regulars = [_member_line(m, report.counted) for m in report.regulars]
    drifted = [_member_line(m, report.counted) for m in report.drifted]
    wanted = [_length(lines) for lines in (meetups, regulars, drifted)]
    budgets = _share(room, wanted)
    budgets[0] = min(budgets[0], EMBED_DESCRIPTION - len(head) - 1)  # the head shares the first embed
    shown_meetups, cut_meetups = _latest_that_fit(meetups, budgets[0], _earlier_left_out)
    shown_regulars, cut_regulars = _first_that_fit(regulars, budgets[1], _members_left_out)
    shown_drifted, cut_drifted = _first_that_fit(drifted, budgets[2], _members_left_out)
    cut_came = any(_came_cut(o) for o in report.occurrences)
    embeds = [discord.Embed(title=title, description="\n".join([head, *shown_meetups]), colour=COLOUR_PRIMARY)]
    if regulars:
        embeds.append(_part(f"Who came, most often first (of {report.counted})", shown_regulars))
    if drifted:
        embeds.append(_part(f"Drifted away (came more often, none of the last {RECENT} or more)", shown_drifted))
    came_any = len(report.members)
    never = f" · {len(report.never_came)} answered and came to none" if report.never_came else ""
    embeds[-1].set_footer(text=f"{came_any} member{'s' if came_any != 1 else ''} came{never}")
    if not (cut_meetups or cut_regulars or cut_drifted or cut_came):
        return SeriesReply(embeds, "")
    note = (
        "The series is more than one Discord message can show: the latest meetups and the most regular "
        "members are below, and everyone at every meetup is in the attached CSV."
    )
    return SeriesReply(embeds, note, render_series_csv(report), f"series-{report.series.id}-attendance.csv")


def _head(report: SeriesAttendance) -> str:
    total = len(report.occurrences)
    counts: dict[OccurrenceState, int] = {}
    for held in report.occurrences:
        counts[held.state] = counts.get(held.state, 0) + 1
    parts = [f"{counts[state]} {_STATES[state].split(' (')[0]}" for state in OccurrenceState if counts.get(state)]
    lines = [
        f"Repeats {describe(report.rule)}.",
        f"**{total} meetup{'s' if total != 1 else ''}**: {', '.join(parts)}." if total else "No meetups yet.",
    ]
    if report.counted:
        lines.append(
            f"Rates count the {report.counted} meetup{'s' if report.counted != 1 else ''} that are over with "
            "their attendance taken. Follow-ups of a meetup are not counted."
        )
    else:
        lines.append("No meetup of the series is over with its attendance taken (`/meetup attendance`).")
    return "\n".join(lines) + "\n"


def _occurrence_line(held: OccurrenceAttendance) -> str:
    number = f" #{held.meetup.id}" if held.meetup is not None else ""
    line = f"**{held.number}.**{number} <t:{int(held.starts_at.timestamp())}:D> · {_STATES[held.state]}"
    if held.state in (OccurrenceState.OVER, OccurrenceState.UPCOMING, OccurrenceState.UNDER_WAY):
        if held.came:
            line += f" · {len(held.came)} came: {fit_mentions(held.came, CAME_SHOWN)}"
        elif held.state == OccurrenceState.OVER:
            line += " · nobody came" if held.taken else " · attendance not taken"
    return line


def _came_cut(held: OccurrenceAttendance) -> bool:
    return len(held.came) > 0 and fit_mentions(held.came, CAME_SHOWN).endswith(" more")


def _member_line(member: MemberAttendance, counted: int) -> str:
    rate = round(100 * member.attended / counted)
    return (
        f"<@{member.user_id}> {member.attended}/{counted} ({rate}%) · "
        f"last came <t:{int(member.last.starts_at.timestamp())}:D>"
    )


def _part(title: str, lines: list[str]) -> discord.Embed:
    return discord.Embed(title=title, description="\n".join(lines) or "—", colour=COLOUR_PRIMARY)


def _length(lines: Sequence[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _share(room: int, wanted: list[int]) -> list[int]:
    """Each part's room: all it wants when everything fits; else its share, and what a part needs
    less than its share goes to the others in proportion to theirs."""
    budgets = [0] * len(wanted)
    open_parts = [i for i, need in enumerate(wanted) if need]
    left = room
    while open_parts:
        weight = sum(_SHARES[i] for i in open_parts)
        small = [i for i in open_parts if wanted[i] <= left * _SHARES[i] / weight]
        if not small:
            for i in open_parts:
                budgets[i] = int(left * _SHARES[i] / weight)
            break
        for i in small:
            budgets[i] = wanted[i]
            left -= wanted[i]
            open_parts.remove(i)
    return [min(b, EMBED_DESCRIPTION - 1) for b in budgets]


def _earlier_left_out(hidden: int) -> str:
    return f"… {hidden} earlier meetup{'s' if hidden != 1 else ''} left out: all are in the attached CSV."


def _members_left_out(hidden: int) -> str:
    return f"… and {hidden} more member{'s' if hidden != 1 else ''}: all are in the attached CSV."


def _first_that_fit(lines: list[str], budget: int, left_out: Callable[[int], str]) -> tuple[list[str], int]:
    """The first lines that fit in `budget` with the line saying how many are left out; and how many are."""
    if _length(lines) <= budget:
        return lines, 0
    shown: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        if size + len(line) + 1 + len(left_out(len(lines) - index - 1)) + 1 > budget:
            break
        shown.append(line)
        size += len(line) + 1
    hidden = len(lines) - len(shown)
    return [*shown, left_out(hidden)], hidden


def _latest_that_fit(lines: list[str], budget: int, left_out: Callable[[int], str]) -> tuple[list[str], int]:
    """The last lines that fit, in order, after the line saying how many earlier ones are left out."""
    shown, hidden = _first_that_fit(lines[::-1], budget, left_out)
    if not hidden:
        return lines, 0
    return [shown[-1], *shown[-2::-1]], hidden


def render_series_csv(report: SeriesAttendance) -> bytes:
    """One row per member (most often first, then those who came to none), one column per meetup
    of the series: `yes` they came, `no` it was counted without them, empty otherwise."""
    zone = ZoneInfo(report.rule.zone)
    occurrences = report.occurrences
    header: list[Cell] = [
        *CSV_HEAD,
        *(f"{o.number}. {o.starts_at.astimezone(zone):%Y-%m-%d} ({o.state.value})" for o in occurrences),
    ]
    came = [set(o.came) for o in occurrences]
    rows: list[list[Cell]] = []
    for member in report.members:
        rows.append(
            [
                member.user_id,
                report.names.get(member.user_id, ""),
                member.attended,
                report.counted,
                round(100 * member.attended / report.counted),
                member.first.starts_at.isoformat(),
                member.last.starts_at.isoformat(),
                "yes" if member.drifted else "no",
                *_marks(member.user_id, occurrences, came),
            ]
        )
    for user_id in report.never_came:
        rows.append(
            [
                user_id,
                report.names.get(user_id, ""),
                0,
                report.counted,
                0 if report.counted else None,
                None,
                None,
                "no",
                *_marks(user_id, occurrences, came),
            ]
        )
    return write_csv(header, rows)


def _marks(user_id: int, occurrences: list[OccurrenceAttendance], came: list[set[int]]) -> list[Cell]:
    return ["yes" if user_id in came[i] else "no" if o.counted else None for i, o in enumerate(occurrences)]


def _plain(text: str) -> str:
    return escape_mentions(escape_markdown(shorten(text, 200)))
