"""What a member reads after `Every time`: what it means, how to stop it, and this meetup's answer."""

from __future__ import annotations

import pytest

from bot.db.models import RsvpStatus
from bot.rendering.every_time_replies import render_every_time_reply
from bot.services.rsvps import RsvpOutcome
from bot.services.series_regulars import EveryTimeChoice


def choice(status: RsvpStatus | None, *, regular: bool = True, answered_now: bool = False) -> EveryTimeChoice:
    answer = RsvpOutcome(
        meetup_id=7,
        user_id=1,
        status=status,
        previous=None,
        seat=3 if status == RsvpStatus.GOING else None,
        going_count=3,
        capacity=10,
        waitlist_number=2 if status == RsvpStatus.WAITLISTED else None,
    )
    return EveryTimeChoice(7, regular, True, answer, answered_now=answered_now, place=4 if regular else None)


def test_joining_says_what_it_means_how_to_stop_and_that_this_one_is_answered_too() -> None:
    text = render_every_time_reply(choice(RsvpStatus.GOING, answered_now=True))
    assert "you're Going to every later meetup of this series as it is posted" in text
    assert "in the order you joined" in text and "waitlist in that order" in text
    assert "You're regular number 4." in text
    assert "You're Going to this one too: seat 3 of 10." in text
    assert text.endswith("Click **Every time** again to stop.")
    full = render_every_time_reply(choice(RsvpStatus.WAITLISTED, answered_now=True))
    assert "This one is full, so you're number 2 on its waitlist." in full


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (RsvpStatus.GOING, "stays Going"),
        (RsvpStatus.WAITLISTED, "You stay number 2 on this meetup's waitlist."),
        (RsvpStatus.MAYBE, "stays Maybe: click Going if you're coming to this one too"),
        (RsvpStatus.DECLINED, "stays Can't go"),
        (None, "You haven't answered this meetup"),
    ],
)
def test_an_answer_already_given_stays_and_is_named(status: RsvpStatus | None, said: str) -> None:
    assert said in render_every_time_reply(choice(status))
    stopped = render_every_time_reply(choice(status, regular=False))
    assert stopped.startswith("You're no longer coming every time: later meetups of this series won't count you in.")
    assert said in stopped
    assert stopped.endswith("Click **Every time** again to come to every meetup again.")


def test_a_next_meetup_posted_already_is_named() -> None:
    base = choice(RsvpStatus.GOING)
    later = choice(RsvpStatus.GOING, answered_now=True).answer
    text = render_every_time_reply(
        EveryTimeChoice(7, True, True, base.answer, answered_now=False, place=1, later=later)
    )
    assert "The next meetup is posted already: you're Going to it too. Click **Every time** again to stop." in text
