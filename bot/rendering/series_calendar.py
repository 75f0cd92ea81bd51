"""The calendar file of a whole recurring series, offered by Add to calendar on any of its meetups:
one event that repeats by the series' rule (`recurrence_calendar.py` writes DTSTART, RRULE and
EXDATE), with the zone's VTIMEZONE beside it so that calendars keep 19:00 at 19:00 across clock
changes. Meetups not held (skipped, cancelled, missed) are left out; a single meetup's own changes
(a moved time, a new place) are in its own file, not in the series'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from bot.db.models import RecurringSeries
from bot.rendering.calendar import PRODUCT_ID
from bot.rendering.recurrence_calendar import series_lines
from bot.rendering.recurrence_texts import describe
from bot.services.recurrence import RepeatRule


def render_series_ics(series: RecurringSeries, rule: RepeatRule, *, link: str | None, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event.from_ical("\r\n".join(["BEGIN:VEVENT", *series_lines(rule), "END:VEVENT", ""]))
    event.add("uid", f"series-{series.id}-{series.guild_id}@meetup-bot")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("duration", timedelta(minutes=series.duration_minutes))
    event.add("summary", series.title)
    details = "\n\n".join(p for p in (series.description, link) if p)
    if details:
        event.add("description", details)
    if series.location:
        event.add("location", series.location)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def series_ics_filename(series: RecurringSeries) -> str:
    return f"meetup-series-{series.id}.ics"


def series_calendar_note(series: RecurringSeries, rule: RepeatRule) -> str:
    """Added to the answer of Add to calendar on a meetup of a series, which carries both files."""
    return (
        f"\nThis meetup repeats {describe(rule)}: `{series_ics_filename(series)}` adds the whole series to your "
        "calendar (without the meetups not held), the other file only this one."
    )
