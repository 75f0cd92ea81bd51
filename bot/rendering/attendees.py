"""The organizer's view of who answered: as text, and as a CSV file."""

from __future__ import annotations

import csv
import io

from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.time_format import full_and_relative
from bot.services.roster import Roster, RosterEntry

CSV_COLUMNS = ("user_id", "name", "status", "waitlist_position", "answered_at_utc", "source")


def render_attendees_text(roster: Roster, *, limit: int = MESSAGE_CONTENT) -> str:
    meetup = roster.meetup
    lines = [f"**Meetup #{meetup.id}**, {full_and_relative(meetup.starts_at)}"]
    capacity = f" / {meetup.capacity}" if meetup.capacity else ""
    sections = [
        (f"Going ({len(roster.going)}{capacity})", roster.going, False),
        (f"Maybe ({len(roster.maybe)})", roster.maybe, False),
        (f"Can't go ({len(roster.declined)})", roster.declined, False),
        (f"Waitlist ({len(roster.waitlist)})", roster.waitlist, True),
    ]
    for title, entries, numbered in sections:
        lines.append(f"\n__{title}__")
        lines.extend(_line(e, i, numbered) for i, e in enumerate(entries, start=1))
        if not entries:
            lines.append("—")
    text = "\n".join(lines)
    if len(text) > limit:
        return shorten(text, limit - 60) + "\n(The list is long: use `format: csv` for all of it.)"
    return text


def _line(entry: RosterEntry, index: int, numbered: bool) -> str:
    prefix = f"{index}. " if numbered else "• "
    return f"{prefix}<@{entry.user_id}> · answered <t:{int(entry.answered_at.timestamp())}:f>"


def render_attendees_csv(roster: Roster, names: dict[int, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in [*roster.going, *roster.maybe, *roster.declined, *roster.waitlist]:
        writer.writerow(
            [
                entry.user_id,
                _csv_safe(names.get(entry.user_id, "")),
                entry.status.value,
                entry.waitlist_position or "",
                entry.answered_at.isoformat(),
                entry.source.value,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in names members chose themselves."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
