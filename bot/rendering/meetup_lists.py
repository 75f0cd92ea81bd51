"""Lists of meetups: the server's upcoming ones, and a member's own answers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.db.models import Meetup, RsvpStatus
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.notices import safe_title
from bot.rendering.time_format import full_and_relative
from bot.services.lifecycle import Standing
from bot.services.meetups import MyMeetup

_STANDING = {
    RsvpStatus.GOING: "you're going",
    RsvpStatus.MAYBE: "you answered Maybe",
    RsvpStatus.DECLINED: "you can't go",
    RsvpStatus.WAITLISTED: "you're on the waitlist",
}


def render_upcoming(rows: Sequence[tuple[Meetup, int, str | None]]) -> str:
    if not rows:
        return "No upcoming meetups in this server. Create one with `/meetup create`."
    lines = ["**Upcoming meetups**"]
    for meetup, going, link in rows:
        seats = f"{going} / {meetup.capacity}" if meetup.capacity else f"{going}"
        where = f" · {link}" if link else ""
        lines.append(
            f"#{meetup.id} **{safe_title(meetup)}**: {full_and_relative(meetup.starts_at)} · going {seats}{where}"
        )
    return _fit(lines)


# How a meetup still ahead stands, after the member's answer: a plain upcoming one says nothing more.
_AHEAD = {
    Standing.UPCOMING: "",
    Standing.CANCELLED: " · **cancelled**",
    Standing.ATTENDED: " · attended: you checked in",
    Standing.NOT_MARKED_YET: " · under way, not marked yet",
}


def render_my_meetups(rows: Sequence[tuple[MyMeetup, str | None]]) -> str:
    if not rows:
        return "You haven't answered any upcoming meetup in this server."
    lines = ["**Your upcoming meetups**"]
    for mine, link in rows:
        meetup = mine.meetup
        where = f" · {link}" if link else ""
        when = full_and_relative(meetup.starts_at)
        standing = _AHEAD.get(mine.standing, f" · {mine.standing.value}")
        # The party counts while the member is Going or waiting; a Maybe or a no brings nobody.
        brings = mine.rsvp.status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED)
        guests = (mine.rsvp.guests or 0) if brings else 0
        party = f" with {guests} guest{'s' if guests > 1 else ''}" if guests else ""
        answer = f"{_STANDING[mine.rsvp.status]}{party}"
        lines.append(f"#{meetup.id} **{safe_title(meetup)}**: {when}, {answer}{standing}{where}")
    return _fit(lines)


def _fit(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= MESSAGE_CONTENT else shorten(text, MESSAGE_CONTENT)
