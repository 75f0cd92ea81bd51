"""The organizer's view of who answered: as text, and as a CSV file."""

from __future__ import annotations

from collections.abc import Mapping

from bot.db.models import RsvpStatus
from bot.rendering.csv_files import Cell, write_csv
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.time_format import full_and_relative
from bot.services.roster import Roster, RosterEntry

REGULAR_MARK = "🔁"  # as on the Every time button

CSV_COLUMNS = (
    "user_id",
    "name",
    "status",
    "waitlist_position",
    "answered_at_utc",
    "source",
    "every_time",
    "guests",  # those the member brings: their party is 1 + guests
    "attended",
    "attended_at_utc",
)


def render_attendees_text(roster: Roster, *, limit: int = MESSAGE_CONTENT) -> str:
    meetup = roster.meetup
    lines = [f"**Meetup #{meetup.id}**, {full_and_relative(meetup.starts_at)}"]
    if roster.regulars & set(roster.user_ids(*RsvpStatus)):
        lines.append(
            f"{REGULAR_MARK} every time: a regular of the series, Going to each of its meetups as it is posted"
        )
    capacity = f" / {meetup.capacity}" if meetup.capacity else ""
    sections = [
        (f"Going ({roster.people_going}{capacity})", roster.going, False),
        (f"Maybe ({len(roster.maybe)})", roster.maybe, False),
        (f"Can't go ({len(roster.declined)})", roster.declined, False),
        (f"Waitlist ({len(roster.waitlist)})", roster.waitlist, True),
    ]
    for title, entries, numbered in sections:
        lines.append(f"\n__{title}__")
        lines.extend(_line(e, i, numbered, roster) for i, e in enumerate(entries, start=1))
        if not entries:
            lines.append("—")
    walk_ins = _walk_ins(roster)
    lines.append(f"\n__Attended ({len(roster.attended)})__")
    if walk_ins:
        lines.append("Without answering: " + ", ".join(f"<@{uid}>" for uid in walk_ins))
    elif not roster.attended:
        lines.append("— (no check-ins yet)")
    text = "\n".join(lines)
    if len(text) > limit:
        return shorten(text, limit - 60) + "\n(The list is long: use `format: csv` for all of it.)"
    return text


def _line(entry: RosterEntry, index: int, numbered: bool, roster: Roster) -> str:
    prefix = f"{index}. " if numbered else "• "
    came = " · 📍 attended" if entry.user_id in roster.attended else ""
    regular = f" · {REGULAR_MARK} every time" if entry.user_id in roster.regulars else ""
    party = f" +{entry.guests}" if entry.guests else ""
    return f"{prefix}<@{entry.user_id}>{party}{regular} · answered <t:{int(entry.answered_at.timestamp())}:f>{came}"


def _walk_ins(roster: Roster) -> list[int]:
    """Members who attended without having answered."""
    answered = {e.user_id for e in [*roster.going, *roster.maybe, *roster.declined, *roster.waitlist]}
    return [uid for uid in roster.attended if uid not in answered]


def render_attendees_csv(roster: Roster, names: Mapping[int, str]) -> bytes:
    """One row per answer (going, maybe, can't go, waitlist), then those who came without
    answering; each with the display name the member had when they answered or checked in, and
    whether they are a regular of the meetup's series (`every_time`)."""
    rows: list[list[Cell]] = [
        [
            entry.user_id,
            names.get(entry.user_id, ""),
            entry.status.value,
            entry.waitlist_position,
            entry.answered_at.isoformat(),
            entry.source.value,
            _yes_no(entry.user_id in roster.regulars),
            entry.guests,
            *_attended_cells(roster, entry.user_id),
        ]
        for entry in [*roster.going, *roster.maybe, *roster.declined, *roster.waitlist]
    ]
    rows += [
        [
            user_id,
            names.get(user_id, ""),
            None,
            None,
            None,
            None,
            _yes_no(user_id in roster.regulars),
            None,
            *_attended_cells(roster, user_id),
        ]
        for user_id in _walk_ins(roster)
    ]
    return write_csv(CSV_COLUMNS, rows)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _attended_cells(roster: Roster, user_id: int) -> list[Cell]:
    at = roster.attended.get(user_id)
    return ["yes", at.isoformat()] if at is not None else ["no", None]
