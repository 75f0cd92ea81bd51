"""What a member reads after answering a meetup."""

from __future__ import annotations

from bot.db.models import RsvpStatus
from bot.services.rsvps import RsvpOutcome


def render_rsvp_reply(outcome: RsvpOutcome) -> str:
    if outcome.status == RsvpStatus.GOING:
        of = f" of {outcome.capacity}" if outcome.capacity else ""
        return f"You're going: seat {outcome.seat}{of}."
    if outcome.status == RsvpStatus.WAITLISTED:
        return f"The meetup is full: you're number {outcome.waitlist_number} on the waitlist."
    if outcome.status == RsvpStatus.MAYBE:
        return "You answered Maybe."
    if outcome.status == RsvpStatus.DECLINED:
        return "You answered Can't go."
    return "You're no longer on the list."
