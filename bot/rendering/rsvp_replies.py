"""What a member reads after answering a meetup."""

from __future__ import annotations

from bot.db.models import RsvpStatus
from bot.services.rsvps import RsvpOutcome


def render_rsvp_reply(outcome: RsvpOutcome) -> str:
    if outcome.guests and outcome.status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
        return _party_reply(outcome)
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


def _party_reply(outcome: RsvpOutcome) -> str:
    guests = outcome.guests
    if outcome.status == RsvpStatus.GOING:
        of = f" of {outcome.capacity}" if outcome.capacity else ""
        first = outcome.seat or 1
        return f"You're going with {_guests(guests)}: seats {first} to {first + guests}{of}."
    return (
        f"The meetup has no {1 + guests} seats free: your party (you and {_guests(guests)}) is number "
        f"{outcome.waitlist_number} on the waitlist. A party is never split: it moves in when seats for all "
        "of it free up, and a smaller party behind it that fits may go first."
    )


def _guests(count: int) -> str:
    return f"{count} guest" if count == 1 else f"{count} guests"
