"""The follow-up texts: the organizer's confirmation and the invitation, per audience."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.models import Meetup, MeetupStatus, Poll, PollOption
from bot.rendering.followup_texts import followup_invitation, render_audience, render_proposal
from bot.rendering.limits import MESSAGE_CONTENT
from bot.services.followups import Audience, AudienceKind, Proposal

START = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
FIRST_USER = 400_000_000_000_000_000


def meetup(meetup_id: int, title: str, start: datetime) -> Meetup:
    return Meetup(
        id=meetup_id,
        guild_id=1,
        channel_id=2,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        timezone="Asia/Seoul",
        status=MeetupStatus.SCHEDULED,
        created_by=7,
    )


FIRST = meetup(12, "Poster-session dinner", START)
SECOND = meetup(13, "Poster-session dinner, again", START + timedelta(days=2))


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        (AudienceKind.MISSED, "for those who could not make it"),
        (AudienceKind.DECLINED, "for those who said they could not go"),
        (AudienceKind.NO_SHOWS, "for those who meant to come and could not make it"),
        (AudienceKind.ALL, "for everyone who showed interest"),
    ],
)
def test_the_invitation_speaks_to_the_audience_chosen(kind: AudienceKind, says: str) -> None:
    [post] = followup_invitation(
        SECOND, FIRST, [FIRST_USER, FIRST_USER + 1], "https://discord.com/channels/1/2/3", kind=kind
    )
    assert f"of **Poster-session dinner** {says}: **Poster-session dinner, again**" in post.content
    if kind == AudienceKind.ALL:
        assert "could not" not in post.content
    assert post.ping_user_ids == (FIRST_USER, FIRST_USER + 1)


def shown_mentions(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"<@(\d+)>", text)]


@pytest.mark.parametrize("size", [1, 40, 41, 85, 300])
def test_the_confirmation_names_as_many_as_fit_in_one_message(size: int) -> None:
    users = tuple(FIRST_USER + n for n in range(size))
    question = "Create the follow-up at <t:1796000000:F> (<t:1796000000:R>) for them?"
    text = render_audience(Audience(FIRST, AudienceKind.MISSED, users), then=question)
    assert len(text) <= MESSAGE_CONTENT
    assert text.startswith(f"**{size} member{'s' if size != 1 else ''}** showed interest")
    assert text.endswith(f"\n\n{question}")
    shown = shown_mentions(text)
    assert shown == list(users[: len(shown)])
    if len(shown) < size:
        assert f"and {size - len(shown)} more\n\n" in text
        assert len(text) > MESSAGE_CONTENT - 30  # the message is filled before anyone is left out
    else:
        assert "more" not in text


def test_a_proposal_with_hundreds_in_the_audience_fits_and_keeps_its_question() -> None:
    users = tuple(FIRST_USER + n for n in range(300))
    option = PollOption(id=1, poll_id=3, position=1, starts_at=START + timedelta(days=1))
    proposal = Proposal(Poll(id=3), option, 120, 30, (option,))
    text = render_proposal(Audience(FIRST, AudienceKind.ALL, users), proposal)
    assert len(text) <= MESSAGE_CONTENT
    assert len(shown_mentions(text)) > 40
    assert text.endswith("Create the follow-up then, or open a poll for them instead?")
    assert "120 said it works, 30 if need be" in text
