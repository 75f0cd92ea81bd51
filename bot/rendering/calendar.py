"""Calendar files and links for a meetup."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from icalendar import Calendar, Event

from bot.db.models import Meetup, MeetupStatus

PRODUCT_ID = "-//meetup-bot//Discord meetups//EN"


def _utc_stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_ics(meetup: Meetup, *, link: str | None, now: datetime) -> bytes:
    """An iCalendar file with one event, its times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meetup-{meetup.id}-{meetup.guild_id}@meetup-bot")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", meetup.starts_at.astimezone(UTC))
    event.add("dtend", meetup.ends_at.astimezone(UTC))
    event.add("summary", meetup.title)
    details = "\n\n".join(p for p in (meetup.description, link) if p)
    if details:
        event.add("description", details)
    if meetup.location:
        event.add("location", meetup.location)
    if link:
        event.add("url", link)
    event.add("status", "CANCELLED" if meetup.status == MeetupStatus.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def google_calendar_link(meetup: Meetup, *, link: str | None) -> str:
    query = {
        "action": "TEMPLATE",
        "text": meetup.title,
        "dates": f"{_utc_stamp(meetup.starts_at)}/{_utc_stamp(meetup.ends_at)}",
        "details": "\n\n".join(p for p in (link, meetup.description) if p)[:300],
        "location": meetup.location or "",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def ics_filename(meetup: Meetup) -> str:
    return f"meetup-{meetup.id}.ics"
