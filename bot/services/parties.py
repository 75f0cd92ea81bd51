"""Plus-ones: the party a member brings (them and their guests) and what a meetup can take.

The seating itself (a party is never split, the first party in line that fits moves in) is decided
with the other answers, under the meetup's lock, in `rsvps.py`.
"""

from __future__ import annotations

from bot.db.models import Meetup
from bot.services.errors import PartyTooBig


def check_party(meetup: Meetup, guests: int) -> None:
    """A party the meetup can take: within its guests, and within its seats."""
    if guests > meetup.guests:
        allowed = f"up to {meetup.guests} guests" if meetup.guests else "no guests"
        raise PartyTooBig(f"This meetup takes {allowed} per member, so you can't bring {guests}.")
    if meetup.capacity is not None and 1 + guests > meetup.capacity:
        raise PartyTooBig(
            f"This meetup has {meetup.capacity} seats in all, so a party of {1 + guests} can't fit; a party is "
            "never split."
        )


def party_refusal(old: int, guests: int, free: int) -> str:
    seats = f"{free} seat is" if free == 1 else f"{free} seats are"
    kept = f"with {_guests(old)}" if old else "alone"
    return (
        f"Only {seats} free, so your party can't grow to {1 + guests} (you and {_guests(guests)}); a party is "
        f"never split. You keep your seats, {kept}. Try again when seats free up."
    )


def _guests(count: int) -> str:
    return f"{count} guest" if count == 1 else f"{count} guests"
