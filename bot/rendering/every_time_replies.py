"""What a member reads after clicking `Every time` on a meetup of a recurring series."""

from __future__ import annotations

from bot.db.models import RsvpStatus
from bot.services.rsvps import RsvpOutcome
from bot.services.series_regulars import EveryTimeChoice

_MEANING = (
    "🔁 **Every time**: you're Going to every later meetup of this series as it is posted, with the "
    "other regulars in the order you joined (when one is full, you're on its waitlist in that order)."
)
_STOP = "Click **Every time** again to stop."


def render_every_time_reply(choice: EveryTimeChoice) -> str:
    if not choice.regular:
        return (
            "You're no longer coming every time: later meetups of this series won't count you in. "
            f"{_this_one_stays(choice.answer)} Click **Every time** again to come to every meetup again."
        )
    place = f" You're regular number {choice.place}." if choice.place else ""
    this_one = _this_one_now(choice.answer) if choice.answered_now else _this_one_stays(choice.answer)
    return f"{_MEANING}{place}\n{this_one}{_next_one(choice.later)} {_STOP}"


def _next_one(later: RsvpOutcome | None) -> str:
    """The next meetup was posted as this one ended, before the click was decided."""
    if later is None:
        return ""
    if later.status == RsvpStatus.WAITLISTED:
        return f" The next meetup is posted already and full: you're number {later.waitlist_number} on its waitlist."
    return " The next meetup is posted already: you're Going to it too."


def _this_one_now(answer: RsvpOutcome) -> str:
    """The click answered this meetup too, the member not having answered it."""
    if answer.status == RsvpStatus.WAITLISTED:
        return f"This one is full, so you're number {answer.waitlist_number} on its waitlist."
    of = f" of {answer.capacity}" if answer.capacity else ""
    return f"You're Going to this one too: seat {answer.seat}{of}."


def _this_one_stays(answer: RsvpOutcome) -> str:
    """The member's own answer to this meetup, which the click leaves as it is."""
    if answer.status == RsvpStatus.GOING:
        return "Your answer to this meetup stays Going."
    if answer.status == RsvpStatus.WAITLISTED:
        return f"You stay number {answer.waitlist_number} on this meetup's waitlist."
    if answer.status == RsvpStatus.MAYBE:
        return "Your answer to this meetup stays Maybe: click Going if you're coming to this one too."
    if answer.status == RsvpStatus.DECLINED:
        return "Your answer to this meetup stays Can't go: click Going if you're coming to this one after all."
    return "You haven't answered this meetup: click Going if you're coming to this one."
