"""Calendar files and links for a meetup."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from icalendar import Calendar, Event, vCalAddress

from bot.db.models import Meetup, MeetupStatus
from bot.rendering.limits import MESSAGE_CONTENT
from bot.rendering.text_cuts import fit_text

PRODUCT_ID = "-//meetup-bot//Discord meetups//EN"
GOOGLE_DETAILS = 300  # Google shows the details in a small box; the message link comes first
CALENDAR_INTRO = "Here is the meetup for your calendar."
# Shorter and shorter titles and places for a Google link, tried when the whole one is too long
# (a Korean title is nine characters per letter once percent-encoded).
_SHRUNK_LENGTHS = (120, 60, 30)


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
    # The same UID with a higher SEQUENCE is an update of the event, not another one.
    event.add("sequence", meetup.calendar_sequence or 0)
    if meetup.updated_at is not None:
        event.add("last-modified", meetup.updated_at.astimezone(UTC))
    event.add("organizer", organizer_address(meetup.created_by))
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def organizer_address(user_id: int) -> vCalAddress:
    """The organizer as a calendar address: their Discord profile (the bot knows no e-mail)."""
    return vCalAddress(f"https://discord.com/users/{user_id}")


def google_calendar_link(meetup: Meetup, *, link: str | None, max_length: int | None = None) -> str | None:
    """A link that opens Google Calendar with the meetup filled in, at most `max_length` long: the
    details, then the title and place, are shortened until it fits, and if even the shortest does
    not fit there is no link (a URL cut short would open something else)."""
    description = fit_text(meetup.description or "", GOOGLE_DETAILS)
    attempts = [
        (meetup.title, meetup.location or "", "\n\n".join(p for p in (link, description) if p)),
        (meetup.title, meetup.location or "", link or ""),
        *((fit_text(meetup.title, n), fit_text(meetup.location or "", n), "") for n in _SHRUNK_LENGTHS),
    ]
    for title, location, details in attempts:
        url = _google_url(meetup, title=title, location=location, details=details)
        if max_length is None or len(url) <= max_length:
            return url
    return None


def _google_url(meetup: Meetup, *, title: str, location: str, details: str) -> str:
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc_stamp(meetup.starts_at)}/{_utc_stamp(meetup.ends_at)}",
        "details": details,
        "location": location,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def render_calendar_reply(meetup: Meetup, *, link: str | None) -> str:
    """The answer to Add to calendar (the .ics file goes with it): a Google link when one fits."""
    around = f"{CALENDAR_INTRO} Or [add it to Google Calendar](<>)."
    google = google_calendar_link(meetup, link=link, max_length=MESSAGE_CONTENT - len(around))
    return f"{CALENDAR_INTRO} Or [add it to Google Calendar](<{google}>)." if google else CALENDAR_INTRO


def ics_filename(meetup: Meetup) -> str:
    return f"meetup-{meetup.id}.ics"
