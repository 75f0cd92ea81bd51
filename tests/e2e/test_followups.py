"""Attendance and follow-up sessions through Discord: the whole story, and its edges."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.db.models import Meetup
from tests.e2e.harness import BotRunner, Server, build_server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup, custom_id, meetup_id_of, move_meetup, public_messages
from tests.e2e.reminder_steps import reminder_posts, starts_in
from tests.e2e.test_polls import poll_message, vote
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord, User


def meetup_messages(emu: DiscordEmulator, server: Server) -> list[MessageRecord]:
    return [
        m
        for m in public_messages(emu, server.channel.id)
        if m.embeds and re.fullmatch(r"Meetup #\d+", (m.embeds[0].get("footer") or {}).get("text", ""))
    ]


def latest(emu: DiscordEmulator, message: MessageRecord) -> MessageRecord:
    """The message as it is now (after the bot's edits)."""
    return next(m for m in emu.channel_messages(message.channel_id) if m.id == message.id)


def button_on(handle: InteractionHandle, label: str) -> tuple[MessageRecord, str]:
    message = handle.last_message
    assert message is not None, handle.content
    for row in message.components:
        for component in row["components"]:
            if component.get("label", "").startswith(label):
                return message, str(component["custom_id"])
    raise AssertionError(f"no {label!r} button under {handle.content!r}")


async def press(emu: DiscordEmulator, server: Server, handle: InteractionHandle, label: str, user: User) -> str:
    message, button = button_on(handle, label)
    ix = await emu.click_button(server.channel.id, message.id, button, user.id)
    await ix.wait_final(timeout=10)
    return ix.content or ""


async def mark(emu: DiscordEmulator, server: Server, meetup_id: int, users: list[User], *, present: bool) -> str:
    prompt = await run_command(emu, server, server.organizer, "meetup attendance", meetup=meetup_id)
    message = prompt.last_message
    assert message is not None, prompt.content
    wanted = "present" if present else "absent"
    picker = next(c for row in message.components for c in row["components"] if str(c["custom_id"]).endswith(wanted))
    ix = await emu.select(
        server.channel.id, message.id, str(picker["custom_id"]), [u.id for u in users], server.organizer.id
    )
    await ix.wait_final(timeout=10)
    return ix.content or ""


async def test_the_whole_story_from_poll_to_follow_up(emu: DiscordEmulator, database_url: str) -> None:
    """30 members, a poll over three times on two days, the meetup, check-ins, and a follow-up for
    the ten who missed it, at the time most of them can make."""
    server = build_server(emu, member_count=30)
    m = server.members
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        await run_command(emu, server, server.organizer, "settings reminders", offsets="1m", nudge="off")
        later = datetime.now(UTC) + timedelta(days=2)
        soon, lunch, dinner = starts_in(80), f"{later:%Y-%m-%d} 12:30", f"{later:%Y-%m-%d} 19:00"
        await run_command(
            emu,
            server,
            server.organizer,
            "meetup poll",
            title="Poster-session dinner",
            options=f"{soon}; {lunch}; {dinner}",
        )
        for member in m[:20]:
            await vote(emu, server, member, "Works for me", [1])
        for member in m[:5]:  # "works" for the first time, and "if need be" for lunch
            await vote(emu, server, member, "If need be", [2])
        for member in m[20:28]:  # they can only make the dinner on the second day
            await vote(emu, server, member, "Works for me", [3])
        for member in m[25:28]:
            await vote(emu, server, member, "If need be", [1])
        for member in m[28:]:  # only lunch, which loses
            await vote(emu, server, member, "Works for me", [2])
        poll_id = int(re.search(r"Poll #(\d+)", poll_message(emu, server).embeds[0]["footer"]["text"]).group(1))  # type: ignore[union-attr]

        done = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
        assert "23 voters of that time were told" in (done.content or "")  # 20 works, 3 if need be
        [first] = meetup_messages(emu, server)
        first_id = meetup_id_of(first)
        # The reminder goes out, pinging the 20 going.
        await poll_until(lambda: reminder_posts(emu, server, first_id), what="the reminder", timeout=30)
        assert sorted(reminder_posts(emu, server, first_id)[0].pinged_user_ids) == sorted(u.id for u in m[:20])

        # Check-in is open (the start is minutes away): 18 of the going check in themselves.
        first = latest(emu, first)
        assert "I'm here" in {c.get("label") for row in first.components for c in row["components"]}
        for member in m[:18]:
            ix = await emu.click_button(server.channel.id, first.id, custom_id(first, "I'm here"), member.id)
            await ix.wait_final(timeout=10)
            assert ix.content == "You're checked in. Enjoy the meetup!"
        again = await click(emu, server, first, "I'm here", m[0])
        assert (again.content or "").startswith("You're already checked in")
        # The organizer marks the two others who came.
        assert "2 members present" in await mark(emu, server, first_id, m[18:20], present=True)
        refused = await run_command(emu, server, m[0], "meetup attendance", meetup=first_id)
        assert "Manage Events" in (refused.content or "")

        # Two hours later it is over. A follow-up without a time: the best time for those who
        # missed it, from the poll's votes.
        await move_meetup(runner, first_id, starts_in=-timedelta(hours=2, minutes=10))
        proposal = await run_command(emu, server, server.organizer, "meetup followup", meetup=first_id)
        missed = m[20:]
        assert "**10 members**" in (proposal.content or "")
        assert all(f"<@{u.id}>" in (proposal.content or "") for u in missed)
        assert "8 said it works" in (proposal.content or "")
        pings_before = len(public_messages(emu, server.channel.id))
        created = await press(emu, server, proposal, "Create follow-up", server.organizer)
        assert created.startswith("Follow-up meetup #"), created
        second_id = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
        second = next(x for x in meetup_messages(emu, server) if meetup_id_of(x) == second_id)
        fields = {f["name"]: f["value"] for f in second.embeds[0]["fields"]}
        assert f"Meetup #{first_id}" in fields["Follows"]
        assert f"<t:{int(datetime.fromisoformat(f'{dinner}:00+00:00').timestamp())}:F>" in fields["When"]
        # The invitation pings exactly the ten who missed, and nobody else.
        new_posts = public_messages(emu, server.channel.id)[pings_before:]
        invitations = [p for p in new_posts if "follow-up session" in p.content]
        assert sorted(u for p in invitations for u in p.pinged_user_ids) == sorted(u.id for u in missed)
        assert not any(p.mention_everyone for p in invitations)

        # Check-in for the second session is not open yet, nor is its attendance.
        early = await click(emu, server, latest(emu, second), "Going", missed[0])
        assert "going" in (early.content or "").lower()
        too_early = await run_command(emu, server, server.organizer, "meetup attendance", meetup=second_id)
        assert f"Meetup #{second_id} has not started yet: attendance can be marked from" in (too_early.content or "")
        # It takes place (after the first); the organizer marks five who came.
        await move_meetup(runner, second_id, starts_in=-timedelta(hours=1))
        await mark(emu, server, second_id, missed[:5], present=True)

        series = await run_command(emu, server, server.organizer, "meetup series", meetup=second_id)
        text = series.content or ""
        assert "Series of 2 sessions" in text
        assert "Attended at least one session: 25 of 30 who showed interest" in text
        assert f"<@{m[0].id}> 1✅ 2—" in text
        assert f"<@{missed[0].id}> 1— 2✅" in text
        assert f"<@{missed[9].id}> 1— 2—" in text
    finally:
        await runner.stop()


async def test_check_in_says_when_it_opens_and_an_empty_audience_posts_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)  # ten days ahead
    meetup_id = meetup_id_of(message)
    assert "I'm here" not in {c.get("label") for row in message.components for c in row["components"]}
    before = len(public_messages(emu, server.channel.id))
    too_early = await run_command(emu, server, server.organizer, "meetup followup", meetup=meetup_id)
    assert (too_early.content or "").startswith(f"Meetup #{meetup_id} has not happened yet, so nobody has missed it")
    await click(emu, server, message, "Can't go", server.member)
    history = await run_command(emu, server, server.member, "meetup history")
    assert f"#{meetup_id}" in (history.content or "") and "Can't go, upcoming" in (history.content or "")
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(hours=3))  # it took place
    nobody = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=meetup_id, audience="no-shows", when=starts_in(3600)
    )
    assert "Nobody answered Going and did not attend" in (nobody.content or "")
    assert "Nothing was created or posted" in (nobody.content or "")
    assert len(public_messages(emu, server.channel.id)) == before
    history = await run_command(emu, server, server.member, "meetup history")
    assert "Can't go, not marked yet" in (history.content or "")  # check-in is still open
    other = await run_command(emu, server, server.member, "meetup history", member=server.organizer.id)
    assert "Manage Events" in (other.content or "")


async def test_the_message_follows_the_clock_through_check_in_end_and_close(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    bot = bot_running.bot
    assert bot is not None
    _, message = await create_meetup(emu, server, when=starts_in(600))  # check-in opens in 30 minutes
    meetup_id = meetup_id_of(message)
    early = await click(emu, server, message, "Going", server.member)
    assert "going" in (early.content or "").lower()

    async def move_to(start_from_now: timedelta) -> MessageRecord:
        """Shift the meetup in time (as the clock would), then let the phase sweep redraw it."""
        start = datetime.now(UTC) + start_from_now
        async with bot.db.transaction() as session:
            await session.execute(
                update(Meetup).where(Meetup.id == meetup_id).values(starts_at=start, ends_at=start + timedelta(hours=2))
            )
        await bot.runtime.meetup_phases.sweep()
        return latest(emu, message)

    def buttons(shown: MessageRecord) -> dict[str, bool]:
        """Label -> enabled."""
        return {c["label"]: not c.get("disabled", False) for row in shown.components for c in row["components"]}

    checking_in = await move_to(timedelta(minutes=20))
    assert buttons(checking_in) == {
        "Going": True,
        "Maybe": True,
        "Can't go": True,
        "Add to calendar": True,
        "I'm here": True,
    }
    await click(emu, server, checking_in, "I'm here", server.member)
    over = await move_to(-timedelta(hours=3))  # ended an hour ago: late check-ins still count
    assert buttons(over) == {
        "Going": False,
        "Maybe": False,
        "Can't go": False,
        "Add to calendar": False,
        "I'm here": True,
    }
    assert "This meetup is over: 1 attended." in over.embeds[0]["description"]
    closed = await move_to(-timedelta(hours=5))
    assert buttons(closed)["I'm here"] is False
    edits = len(latest(emu, message).edit_times)
    await bot.runtime.meetup_phases.sweep()  # nothing moved: nothing is redrawn
    assert len(latest(emu, message).edit_times) == edits


async def test_a_follow_up_poll_for_the_audience_and_its_meetup_joins_the_series(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Lab tour")
    first_id = meetup_id_of(message)
    declined, by_dm, going = server.members[:3]
    for member in (declined, by_dm):
        await click(emu, server, message, "Can't go", member)
    await click(emu, server, message, "Going", going)
    await move_meetup(bot_running, first_id, starts_in=-timedelta(hours=3))  # it took place
    await run_command(emu, server, by_dm, "meetup notify", dm="on")
    refused = await run_command(emu, server, going, "meetup followup", meetup=first_id, audience="declined")
    assert "Manage Events" in (refused.content or "")

    # Without a time and without a poll behind the meetup, there is nothing to propose.
    nothing = await run_command(emu, server, server.organizer, "meetup followup", meetup=first_id)
    assert "nothing to propose" in (nothing.content or "")
    # Cancelled at the confirmation: nothing is made.
    before = len(public_messages(emu, server.channel.id))
    asked = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=first_id, audience="declined", when=starts_in(7200)
    )
    assert "**2 members** answered Can't go" in (asked.content or "")
    assert await press(emu, server, asked, "Cancel", server.organizer) == "Cancelled: nothing was created or posted."
    assert len(public_messages(emu, server.channel.id)) == before

    later = datetime.now(UTC) + timedelta(days=20)
    options = f"{later:%Y-%m-%d} 18:00; {later:%Y-%m-%d} 20:00"
    asked = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=first_id, audience="declined", options=options
    )
    assert "Open a poll with 2 times for them?" in (asked.content or "")
    opened = await press(emu, server, asked, "Open a poll", server.organizer)
    assert opened.startswith("Poll #"), opened
    assert "1 pinged, 1 by DM" in opened
    invitation = public_messages(emu, server.channel.id)[-1]
    assert invitation.pinged_user_ids == [declined.id]
    assert len(emu.dm_messages(by_dm.id)) == 1 and "follow-up session" in emu.dm_messages(by_dm.id)[0].content
    # The confirmation now says what was done and has no buttons left; a click from an old copy is
    # told it was settled (test_followup_confirmations.py).
    assert asked.last_message is not None and asked.last_message.components == []

    poll_id = int(re.search(r"Poll #(\d+)", opened).group(1))  # type: ignore[union-attr]
    await vote(emu, server, declined, "Works for me", [2])
    done = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    second_id = int(re.search(r"meetup #(\d+)", done.content or "").group(1))  # type: ignore[union-attr]
    second = next(x for x in meetup_messages(emu, server) if meetup_id_of(x) == second_id)
    assert second.embeds[0]["title"] == "Lab tour"
    assert f"Meetup #{first_id}" in {f["name"]: f["value"] for f in second.embeds[0]["fields"]}["Follows"]
    series = await run_command(emu, server, server.organizer, "meetup series", meetup=first_id)
    assert "Series of 2 sessions" in (series.content or "")
