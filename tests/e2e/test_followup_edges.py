"""Follow-ups and attendance through Discord, beyond the whole story: a poll instead of the proposed
time, what a follow-up carries over and links to, member history, and marking members absent."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.rendering.time_format import message_link
from bot.services.attendance import attended_ids
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import (
    click,
    create_meetup,
    fields_of,
    future,
    meetup_id_of,
    move_meetup,
    public_messages,
    stored_meetup,
)
from tests.e2e.test_followups import mark, meetup_messages, press
from tests.e2e.test_poll_edges import finalize, unix
from tests.e2e.test_polls import day, make_poll, poll_message, vote
from tests.emulator import DiscordEmulator, MessageRecord


def posts_since(emu: DiscordEmulator, server: Server, count: int) -> list[MessageRecord]:
    return public_messages(emu, server.channel.id)[count:]


async def test_poll_instead_of_the_proposed_time_polls_the_audience_and_pings_exactly_them(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    came, going, lunch, dinner, maybe = server.members[:5]
    first_poll = await make_poll(emu, server, options=f"{day(5, 19)}; {day(6, 12)}; {day(6, 19)}")
    for member in (came, going):
        await vote(emu, server, member, "Works for me", [1])
    await vote(emu, server, lunch, "Works for me", [2])
    await vote(emu, server, dinner, "Works for me", [3])
    await vote(emu, server, maybe, "If need be", [2])
    first_id = await finalize(emu, server, first_poll, option=1)
    await move_meetup(bot_running, first_id, starts_in=-timedelta(hours=3))  # it ended an hour ago
    assert "1 member present" in await mark(emu, server, first_id, [came], present=True)

    proposal = await run_command(emu, server, server.organizer, "meetup followup", meetup=first_id)
    text = proposal.content or ""
    assert text.startswith("**4 members** showed interest and did not attend"), text
    # Lunch and dinner tie on "works" (one each); lunch has an "if need be" more. The meetup's own
    # time (option 1, the most "works") is not proposed again.
    assert f"the best time for them is <t:{unix(day(6, 12))}:F>" in text and "1 said it works, 1 if need be" in text
    before = len(public_messages(emu, server.channel.id))
    opened = await press(emu, server, proposal, "Poll instead", server.organizer)
    assert opened.startswith("Poll #") and "Invited 4 members (4 pinged, 0 by DM)" in opened, opened

    new_poll = poll_message(emu, server)
    description = new_poll.embeds[0]["description"]
    assert re.findall(r"\*\*\d+\.\*\* <t:(\d+):F>", description) == [str(unix(day(6, 12))), str(unix(day(6, 19)))]
    invitations = [p for p in posts_since(emu, server, before) if "follow-up session" in p.content]
    assert len(invitations) == 1 and "is being planned" in invitations[0].content
    assert sorted(invitations[0].pinged_user_ids) == sorted(u.id for u in (going, lunch, dinner, maybe))
    assert not invitations[0].mention_everyone


async def test_a_follow_up_links_to_its_meetup_and_carries_place_description_and_duration(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, first = await create_meetup(
        emu,
        server,
        title="Lab tour",
        where="Building 301, room 118",
        description="Meet at the front desk.",
        duration="45m",
        capacity=8,
    )
    first_id = meetup_id_of(first)
    yes, no = server.members[:2]
    await click(emu, server, first, "Going", yes)
    await click(emu, server, first, "Can't go", no)
    await move_meetup(bot_running, first_id, starts_in=-timedelta(hours=1))  # over
    asked = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=first_id, audience="all", when=future(12)
    )
    assert (asked.content or "").startswith("**2 members** showed interest in it")
    before = len(public_messages(emu, server.channel.id))
    created = await press(emu, server, asked, "Create follow-up", server.organizer)
    second_id = int(re.search(r"Follow-up meetup #(\d+)", created).group(1))  # type: ignore[union-attr]

    second = next(m for m in meetup_messages(emu, server) if meetup_id_of(m) == second_id)
    fields = fields_of(second)
    jump = message_link(server.guild.id, server.channel.id, first.id)
    assert fields["Follows"].startswith(f"Meetup #{first_id} **Lab tour**") and fields["Follows"].endswith(jump)
    assert "Building 301, room 118" in fields["Where"] and fields["Duration"] == "45 minutes"
    assert "Meet at the front desk." in second.embeds[0]["description"]
    stored = await stored_meetup(bot_running, second_id)
    assert (stored.location, stored.description, stored.capacity) == (
        "Building 301, room 118",
        "Meet at the front desk.",
        8,
    )
    assert stored.ends_at - stored.starts_at == timedelta(minutes=45)
    assert (stored.series_id, stored.followup_of) == (first_id, first_id)

    # Invited as "everyone who showed interest", not as people who missed it.
    [invitation] = [p for p in posts_since(emu, server, before) if "follow-up session" in p.content]
    assert "for everyone who showed interest" in invitation.content and "could not" not in invitation.content
    assert sorted(invitation.pinged_user_ids) == sorted([yes.id, no.id])


async def test_an_organizer_reads_a_member_s_history_with_what_they_attended(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    member = server.members[0]
    _, came_to = await create_meetup(emu, server, title="Karaoke night")
    _, skipped = await create_meetup(emu, server, title="Hanok walk", when=future(11))
    await click(emu, server, came_to, "Going", member)
    await click(emu, server, skipped, "Maybe", member)
    await move_meetup(bot_running, meetup_id_of(came_to), starts_in=-timedelta(hours=3))
    await mark(emu, server, meetup_id_of(came_to), [member], present=True)
    # Attendance was taken at the other one, which is closed: the member did not come.
    await move_meetup(bot_running, meetup_id_of(skipped), starts_in=-timedelta(hours=1))
    await mark(emu, server, meetup_id_of(skipped), [server.members[1]], present=True)
    await move_meetup(bot_running, meetup_id_of(skipped), starts_in=-timedelta(hours=5))

    history = await run_command(emu, server, server.organizer, "meetup history", member=member.id)
    text = history.content or ""
    assert history.ephemeral
    assert text.startswith(f"Meetups of <@{member.id}> in this server (2, attended 1):"), text
    lines = text.splitlines()
    attended = next(line for line in lines if f"#{meetup_id_of(came_to)} **Karaoke night**" in line)
    assert "Going, 📍 attended" in attended
    assert attended.endswith(message_link(server.guild.id, server.channel.id, came_to.id))
    missed = next(line for line in lines if f"#{meetup_id_of(skipped)} **Hanok walk**" in line)
    assert "Maybe, did not attend" in missed


async def test_the_attendance_picker_marks_members_absent(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    a, b, c = server.members[:3]
    await click(emu, server, message, "Going", b)
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(minutes=10))  # under way
    assert await mark(emu, server, meetup_id, [a, b, c], present=True) == (
        f"Marked 3 members present at meetup #{meetup_id}. 3 attended in all."
    )
    assert await mark(emu, server, meetup_id, [b, c], present=False) == (
        f"Marked 2 members absent at meetup #{meetup_id}. 1 attended in all."
    )
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        assert (await attended_ids(session, [meetup_id]))[meetup_id] == {a.id}
    history = await run_command(emu, server, server.organizer, "meetup history", member=b.id)
    assert f"#{meetup_id} **Karaoke night**" in (history.content or "")
    assert "Going, did not attend" in (history.content or "") and "(1, attended 0)" in (history.content or "")
