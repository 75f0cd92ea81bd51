"""The follow-up confirmation as the organizer reads it (with how long its buttons work), and what
they are told once it is done: how many of the audience were reached."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.models import FollowupPlan, Poll, PollOption
from bot.rendering.components import followup_confirm_view
from bot.rendering.followup_texts import render_followup_confirmation, render_invited
from bot.rendering.limits import MESSAGE_CONTENT
from bot.services.followup_plans import PlannedFollowup
from bot.services.followups import Audience, AudienceKind, Proposal
from bot.services.time_parsing import ParsedTime
from tests.bot.rendering.test_followup_texts import FIRST, FIRST_USER, START

EXPIRES = START + timedelta(days=1, hours=1)
UNIX = int(EXPIRES.timestamp())


def planned(size: int, **found: object) -> PlannedFollowup:
    users = tuple(FIRST_USER + n for n in range(size))
    plan = FollowupPlan(id=9, expires_at=EXPIRES, typed_options=None, proposed_at=None)
    values: dict[str, object] = {"proposal": None, "start": None, "option_count": 0, **found}
    return PlannedFollowup(Audience(FIRST, AudienceKind.MISSED, users), plan, **values)  # type: ignore[arg-type]


NOTE = f"\n-# The buttons work for you until <t:{UNIX}:t> (<t:{UNIX}:R>), even if the bot restarts meanwhile."


@pytest.mark.parametrize("size", [1, 300])
def test_each_confirmation_says_until_when_its_buttons_work_and_fits(size: int) -> None:
    option = PollOption(id=1, poll_id=3, position=1, starts_at=START + timedelta(days=2))
    for found in (
        {"start": ParsedTime(START + timedelta(days=2), "Asia/Seoul")},
        {"option_count": 3},
        {"proposal": Proposal(Poll(id=3), option, 2, 1, (option,))},
    ):
        text = render_followup_confirmation(planned(size, **found), typed_when="12/7 19:00")
        assert len(text) <= MESSAGE_CONTENT
        assert text.endswith(NOTE), text[-300:]


def test_the_buttons_follow_what_was_asked() -> None:
    def labels(plan: FollowupPlan) -> list[str | None]:
        return [item.label for item in followup_confirm_view(plan).children]  # type: ignore[attr-defined]

    assert labels(FollowupPlan(id=4, typed_options=None, proposed_at=None)) == ["Create follow-up", "Cancel"]
    assert labels(FollowupPlan(id=4, typed_options="a; b", proposed_at=None)) == ["Open a poll", "Cancel"]
    proposed = FollowupPlan(id=4, typed_options=None, proposed_at=START)
    assert labels(proposed) == ["Create follow-up", "Poll instead", "Cancel"]
    ids = [item.custom_id for item in followup_confirm_view(proposed).children]  # type: ignore[attr-defined]
    assert ids == ["meetup:followup:4:create", "meetup:followup:4:poll", "meetup:followup:4:cancel"]


def test_the_answer_counts_who_was_reached() -> None:
    assert render_invited(1, pinged=1, by_dm=0, not_reached=0) == "Invited 1 member (1 pinged, 0 by DM)."
    assert render_invited(10, pinged=6, by_dm=2, not_reached=2, pinged_where=" in the channel") == (
        "Invited 8 of 10 members (6 pinged in the channel, 2 by DM): Discord refused the invitation post for the "
        "other 2, so they were not told. The follow-up stays posted; share its link with them."
    )
