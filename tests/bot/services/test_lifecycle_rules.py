"""Every service asks the lifecycle: edits, cancels, follow-ups, check-ins, marks, answers, history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import AuditLogEntry, Meetup, RsvpSource, RsvpStatus
from bot.services.attendance import attendance_prompt, check_in, mark_attendance, member_history
from bot.services.errors import InvalidInput, MeetupClosed, NotYet
from bot.services.followups import AudienceKind, compute_audience, create_followup, create_followup_poll
from bot.services.lifecycle import Standing
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import cancel_meetup, create_meetup, edit_meetup, my_upcoming
from bot.services.rsvps import Answer
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, make_meetup, rsvp_to_meetup

Sessions = async_sessionmaker[AsyncSession]


async def answer(sessionmaker: Sessions, meetup: Meetup, user_id: int, *, at: datetime = NOW) -> None:
    async with sessionmaker() as s, s.begin():
        await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            user_id=user_id,
            answer=Answer.GOING,
            source=RsvpSource.BUTTON,
            toggle=False,
            now=at,
        )


async def edit(sessionmaker: Sessions, meetup: Meetup, typed: MeetupInput, *, at: datetime) -> tuple[str, ...]:
    async with sessionmaker() as s, s.begin():
        change = await edit_meetup(
            s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, typed=typed, default_timezone="UTC", now=at
        )
    return change.changed_fields


async def cancel(sessionmaker: Sessions, meetup: Meetup) -> None:
    async with sessionmaker() as s, s.begin():
        await cancel_meetup(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, reason=None, now=NOW)


async def stored(sessionmaker: Sessions, meetup: Meetup) -> Meetup:
    async with sessionmaker() as s:
        row = await s.get(Meetup, meetup.id)
    assert row is not None
    return row


async def audited_edits(sessionmaker: Sessions) -> int:
    async with sessionmaker() as s:
        return int(await s.scalar(select(func.count()).where(AuditLogEntry.action == "meetup.edit")) or 0)


async def test_a_meetup_that_is_over_or_cancelled_is_not_edited(sessionmaker: Sessions) -> None:
    over = await make_meetup(sessionmaker)
    await answer(sessionmaker, over, 101)
    with pytest.raises(MeetupClosed, match=rf"^Meetup #{over.id} is over, so it can't be edited any more"):
        await edit(sessionmaker, over, MeetupInput(title="Encore"), at=over.ends_at + timedelta(minutes=1))
    with pytest.raises(MeetupClosed, match="is over"):  # check-in closed: still over
        await edit(sessionmaker, over, MeetupInput(when="2026-12-24 19:00"), at=over.ends_at + timedelta(days=1))
    cancelled = await make_meetup(sessionmaker, title="Rained out")
    await cancel(sessionmaker, cancelled)
    with pytest.raises(MeetupClosed, match=rf"^Meetup #{cancelled.id} was cancelled, so it can't be edited"):
        await edit(sessionmaker, cancelled, MeetupInput(where="Indoors"), at=NOW)
    assert ((await stored(sessionmaker, over)).title, (await stored(sessionmaker, cancelled)).location) == (
        "Karaoke night",
        None,
    )
    assert await audited_edits(sessionmaker) == 0


async def test_a_meetup_under_way_changes_its_text_but_not_its_time(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=5)
    under_way = meetup.starts_at + timedelta(minutes=10)
    for typed in (
        MeetupInput(when="2026-12-05 20:00"),
        MeetupInput(duration="3h"),
        MeetupInput(capacity=10),
        MeetupInput(reminders="none"),
        MeetupInput(timezone="Europe/Berlin"),
        MeetupInput(title="Karaoke, later", when="2026-12-05 21:00"),  # together: nothing changes
    ):
        with pytest.raises(MeetupClosed, match="is under way, so only its title, place and description can change"):
            await edit(sessionmaker, meetup, typed, at=under_way)
    assert await edit(sessionmaker, meetup, MeetupInput(where="Room 2", description="Door B"), at=under_way) == (
        "description",
        "location",
    )
    after = await stored(sessionmaker, meetup)
    assert (after.title, after.location, after.starts_at, after.ends_at, after.capacity) == (
        "Karaoke night",
        "Room 2",
        meetup.starts_at,
        meetup.ends_at,
        5,
    )
    # During check-in (before the start) the time may still move: back to scheduled.
    early = await make_meetup(sessionmaker, title="Lunch")
    changed = await edit(
        sessionmaker, early, MeetupInput(when="2026-12-06 12:00"), at=early.starts_at - timedelta(minutes=10)
    )
    assert "starts_at" in changed


async def test_a_new_time_in_the_past_is_refused_as_create_refuses_it(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    past = MeetupInput(when="2026-11-20 19:00", timezone="Asia/Seoul")
    with pytest.raises(InvalidInput) as refused_edit:
        await edit(sessionmaker, meetup, past, at=NOW)
    with pytest.raises(InvalidInput) as refused_create:
        async with sessionmaker() as s, s.begin():
            await create_meetup(
                s,
                guild_id=GUILD,
                channel_id=CHANNEL,
                actor=ORGANIZER,
                typed=MeetupInput(title="Karaoke night", when=past.when, timezone=past.timezone),
                default_timezone="UTC",
                now=NOW,
            )
    assert refused_edit.value.user_message == refused_create.value.user_message
    assert refused_edit.value.user_message.startswith("That time is in the past")
    assert (await stored(sessionmaker, meetup)).starts_at == meetup.starts_at


async def test_a_meetup_that_is_over_is_not_cancelled(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    with pytest.raises(MeetupClosed, match="is already over, so it can't be cancelled"):
        async with sessionmaker() as s, s.begin():
            await cancel_meetup(
                s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, reason=None, now=meetup.ends_at
            )
    async with sessionmaker() as s, s.begin():  # under way it can be
        done = await cancel_meetup(
            s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, reason="Fire alarm", now=meetup.starts_at
        )
    assert done.meetup.cancel_reason == "Fire alarm"


async def test_a_follow_up_waits_until_the_meetup_is_over(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup, 101)

    async def audience(kind: AudienceKind, at: datetime) -> tuple[int, ...]:
        async with sessionmaker() as s:
            found = await compute_audience(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, kind=kind, now=at)
        return found.user_ids

    with pytest.raises(NotYet, match=rf"^Meetup #{meetup.id} has not happened yet, so nobody has missed it"):
        await audience(AudienceKind.ALL, NOW)
    with pytest.raises(NotYet, match=rf"^Meetup #{meetup.id} is under way: who missed it is known once it ends"):
        await audience(AudienceKind.MISSED, meetup.starts_at + timedelta(minutes=5))
    assert await audience(AudienceKind.MISSED, meetup.ends_at) == (101,)
    for make in (create_followup, create_followup_poll):
        with pytest.raises(NotYet, match="has not happened yet"):
            async with sessionmaker() as s, s.begin():
                await make(  # type: ignore[operator]
                    s,
                    guild_id=GUILD,
                    meetup_id=meetup.id,
                    actor=ORGANIZER,
                    typed=MeetupInput(when="2026-12-12 19:00"),
                    channel_id=CHANNEL,
                    now=meetup.starts_at - timedelta(minutes=1),
                    **(
                        {"options_text": "Dec 12 19:00; Dec 13 19:00", "default_timezone": "UTC"}
                        if make is create_followup_poll
                        else {}
                    ),
                )


async def test_a_cancelled_meetup_is_followed_up_only_for_everyone_who_showed_interest(
    sessionmaker: Sessions,
) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup, 101)
    await cancel(sessionmaker, meetup)
    async with sessionmaker() as s, s.begin():
        for kind in (AudienceKind.MISSED, AudienceKind.DECLINED, AudienceKind.NO_SHOWS):
            with pytest.raises(MeetupClosed, match="was cancelled, so nobody missed it or stayed away"):
                await compute_audience(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, kind=kind, now=NOW)
        everyone = await compute_audience(
            s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, kind=AudienceKind.ALL, now=NOW
        )
        again = await create_followup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            typed=MeetupInput(when="2026-12-12 19:00"),
            channel_id=CHANNEL,
            now=NOW,
        )
    assert everyone.user_ids == (101,)
    assert (again.followup_of, again.series_id, again.title) == (meetup.id, meetup.id, "Karaoke night")


async def test_check_ins_and_marks_follow_the_lifecycle(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)

    async def mark(at: datetime, user_id: int) -> int:
        async with sessionmaker() as s, s.begin():
            marked = await mark_attendance(
                s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, user_ids=[user_id], present=True, now=at
            )
        return marked.present_total

    with pytest.raises(NotYet, match=rf"^Meetup #{meetup.id} has not started yet: attendance can be marked from"):
        await mark(NOW, 101)
    async with sessionmaker() as s:
        with pytest.raises(NotYet, match="has not started yet"):
            await attendance_prompt(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, now=NOW)
    assert await mark(meetup.starts_at - timedelta(minutes=30), 101) == 1
    async with sessionmaker() as s, s.begin():
        done = await check_in(s, guild_id=GUILD, meetup_id=meetup.id, user_id=102, now=meetup.starts_at)
    assert not done.already
    assert await mark(meetup.ends_at + timedelta(days=2), 103) == 3  # filled in days later
    cancelled = await make_meetup(sessionmaker, title="Rained out")
    await cancel(sessionmaker, cancelled)
    async with sessionmaker() as s, s.begin():
        with pytest.raises(MeetupClosed, match="there is no attendance to mark"):
            await attendance_prompt(s, guild_id=GUILD, meetup_id=cancelled.id, actor=ORGANIZER, now=NOW)
        with pytest.raises(MeetupClosed, match="nothing to check in to"):
            await check_in(s, guild_id=GUILD, meetup_id=cancelled.id, user_id=102, now=cancelled.starts_at)


async def test_answers_are_taken_until_the_end(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup, 101, at=meetup.ends_at - timedelta(seconds=1))
    with pytest.raises(MeetupClosed, match=r"^This meetup is over, so it no longer takes answers"):
        await answer(sessionmaker, meetup, 102, at=meetup.ends_at)


async def test_history_and_my_meetups_say_how_each_meetup_stands(sessionmaker: Sessions) -> None:
    member = MEMBER.user_id
    ahead = await make_meetup(sessionmaker, title="Ahead", when="2026-12-20 19:00")
    cancelled = await make_meetup(sessionmaker, title="Cancelled", when="2026-12-19 19:00")
    came = await make_meetup(sessionmaker, title="Came", when="2026-11-28 19:00")
    stayed_away = await make_meetup(sessionmaker, title="Stayed away", when="2026-11-27 19:00")
    nobody_marked = await make_meetup(sessionmaker, title="Nobody marked", when="2026-11-26 19:00")
    under_way = await make_meetup(sessionmaker, title="Under way", when="2026-11-29 19:00")
    for meetup in (ahead, cancelled, came, stayed_away, nobody_marked, under_way):
        await answer(sessionmaker, meetup, member)
    await cancel(sessionmaker, cancelled)
    async with sessionmaker() as s, s.begin():
        for meetup, user_id in ((came, member), (stayed_away, 999)):
            await mark_attendance(
                s,
                guild_id=GUILD,
                meetup_id=meetup.id,
                actor=ORGANIZER,
                user_ids=[user_id],
                present=True,
                now=meetup.ends_at,
            )
    now = under_way.starts_at + timedelta(minutes=20)  # the others of November are closed by then
    async with sessionmaker() as s:
        history = await member_history(s, guild_id=GUILD, user_id=member, actor=MEMBER, now=now)
        mine = await my_upcoming(s, guild_id=GUILD, user_id=member, now=now)
    assert [(e.meetup.title, e.standing) for e in history] == [
        ("Ahead", Standing.UPCOMING),
        ("Cancelled", Standing.CANCELLED),
        ("Under way", Standing.NOT_MARKED_YET),
        ("Came", Standing.ATTENDED),
        ("Stayed away", Standing.DID_NOT_ATTEND),
        ("Nobody marked", Standing.NOT_MARKED_YET),
    ]
    assert [(m.meetup.title, m.rsvp.status, m.standing) for m in mine] == [
        ("Under way", RsvpStatus.GOING, Standing.NOT_MARKED_YET),
        ("Cancelled", RsvpStatus.GOING, Standing.CANCELLED),
        ("Ahead", RsvpStatus.GOING, Standing.UPCOMING),
    ]
