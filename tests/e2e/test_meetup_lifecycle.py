"""A meetup's lifecycle through Discord: what organizers may still change, when a follow-up can be
planned, what members' answers and reactions do once a meetup ended or was cancelled, what history
and `mine` say, and the close two hours after the end, also after a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from bot.db.models import Meetup, MeetupStatus
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import (
    audit_log,
    buttons_of,
    click,
    create_meetup,
    fields_of,
    future,
    meetup_id_of,
    move_meetup,
    public_messages,
    stored_meetup,
    stored_rsvps,
)
from tests.e2e.reminder_steps import stopped_bot_database
from tests.emulator import DiscordEmulator, MessageRecord, Permission


def enabled(message: MessageRecord) -> dict[str, bool]:
    return {str(b["label"]): not b.get("disabled", False) for b in buttons_of(message)}


async def test_a_meetup_that_is_over_or_cancelled_is_not_edited_and_nobody_is_pinged(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    await click(emu, server, message, "Going", server.member)
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(hours=3))
    before = len(public_messages(emu, server.channel.id))
    refused = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=meetup_id, title="Encore", when=future(3)
    )
    assert refused.ephemeral
    assert refused.content == f"Meetup #{meetup_id} is over, so it can't be edited any more. Nothing was changed."
    _, other = await create_meetup(emu, server, title="Hanok walk")
    other_id = meetup_id_of(other)
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=other_id)
    after_cancel = len(public_messages(emu, server.channel.id))
    cancelled = await run_command(emu, server, server.organizer, "meetup edit", meetup=other_id, where="Indoors")
    assert cancelled.content == f"Meetup #{other_id} was cancelled, so it can't be edited. Nothing was changed."
    await asyncio.sleep(0.3)
    # Only the second meetup and its cancellation notice were posted; nothing for the refused edits.
    assert len(public_messages(emu, server.channel.id)) == before + 2 == after_cancel
    assert (await stored_meetup(bot_running, meetup_id)).title == "Karaoke night"
    assert (await stored_meetup(bot_running, other_id)).location is None
    assert not [e for e in await audit_log(bot_running) if e.action == "meetup.edit"]


async def test_a_meetup_under_way_takes_a_new_place_but_keeps_its_time(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    moved = await move_meetup(bot_running, meetup_id, starts_in=-timedelta(minutes=10))
    shown = emu.message(message.id)
    assert "**Under way, check-in is open:** click *I'm here* when you arrive." in shown.embeds[0]["description"]
    assert enabled(shown) == {"Going": True, "Maybe": True, "Can't go": True, "Add to calendar": True, "I'm here": True}
    refused = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, when=future(2))
    assert refused.content == (
        f"Meetup #{meetup_id} is under way, so only its title, place and description can change now; its time, "
        "time zone, length, capacity and reminders stay as they are. Nothing was changed."
    )
    placed = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, where="Room 2")
    assert (placed.content or "").startswith(f"Meetup #{meetup_id} updated (place).")
    stored = await stored_meetup(bot_running, meetup_id)
    assert (stored.location, stored.starts_at) == ("Room 2", moved.starts_at)
    await emu.wait_for(lambda: fields_of(emu.message(message.id)).get("Where") == "Room 2", what="the new place")


async def test_a_new_time_in_the_past_is_refused_by_edit_as_by_create(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    edited = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, when="2020-05-01 10:00")
    created = await run_command(
        emu, server, server.organizer, "meetup create", title="Karaoke night", when="2020-05-01 10:00"
    )
    assert (edited.content or "").startswith("That time is in the past: I read it as <t:")
    assert edited.content == created.content
    assert (await stored_meetup(bot_running, meetup_id)).starts_at.year > 2020


async def test_a_follow_up_waits_until_the_meetup_is_over(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    await click(emu, server, message, "Going", server.member)
    before = len(public_messages(emu, server.channel.id))
    early = await run_command(emu, server, server.organizer, "meetup followup", meetup=meetup_id, when=future(20))
    assert (early.content or "").startswith(f"Meetup #{meetup_id} has not happened yet, so nobody has missed it")
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(minutes=30))
    during = await run_command(emu, server, server.organizer, "meetup followup", meetup=meetup_id, when=future(20))
    assert (during.content or "").startswith(f"Meetup #{meetup_id} is under way: who missed it is known once it ends")
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(hours=3))
    over = await run_command(emu, server, server.organizer, "meetup followup", meetup=meetup_id, when=future(20))
    assert (over.content or "").startswith("**1 member** showed interest and did not attend")

    _, other = await create_meetup(emu, server, title="Hanok walk")
    other_id = meetup_id_of(other)
    await click(emu, server, other, "Maybe", server.member)
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=other_id)
    posted = len(public_messages(emu, server.channel.id))
    missed = await run_command(emu, server, server.organizer, "meetup followup", meetup=other_id, when=future(20))
    assert missed.content == (
        f"Meetup #{other_id} was cancelled, so nobody missed it or stayed away: a follow-up of it can only invite "
        "everyone who showed interest (`audience: all`)."
    )
    everyone = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=other_id, audience="all", when=future(20)
    )
    assert (everyone.content or "").startswith("**1 member** showed interest in it")
    # The refusals and the questions posted nothing: only the second meetup and its cancellation.
    assert posted == before + 2 == len(public_messages(emu, server.channel.id))


async def test_answers_to_a_meetup_that_ended_or_was_cancelled_are_refused_privately(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    # The end has passed, and the message was not redrawn yet: its buttons still look open.
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(hours=2, minutes=1), sweep=False)
    late = await click(emu, server, message, "Going", server.member)
    assert late.ephemeral and late.content == "This meetup is over, so it no longer takes answers."
    _, other = await create_meetup(emu, server, title="Hanok walk")
    other_id = meetup_id_of(other)
    assert bot_running.bot is not None
    async with bot_running.bot.db.transaction() as session:  # cancelled by another process a moment ago
        await session.execute(update(Meetup).where(Meetup.id == other_id).values(status=MeetupStatus.CANCELLED))
    refused = await click(emu, server, other, "Maybe", server.member)
    assert refused.ephemeral and refused.content == "This meetup was cancelled, so it no longer takes answers."
    assert await stored_rsvps(bot_running, meetup_id) == [] and await stored_rsvps(bot_running, other_id) == []


def reactors(emu: DiscordEmulator, message: MessageRecord, emoji: str) -> list[int]:
    reaction = emu.message(message.id).reactions.get(emoji)
    return [] if reaction is None else list(reaction.user_ids)


async def test_a_reaction_the_meetup_does_not_take_is_removed_when_the_bot_may_manage_messages(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    alice, bob, carol = server.members[:3]
    _, cancelled = await create_meetup(emu, server, title="Rained out")
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id_of(cancelled))
    # Without Manage Messages the bot leaves it (and does not try): it only does not count.
    await emu.add_reaction(server.channel.id, cancelled.id, "✅", alice.id)
    await asyncio.sleep(0.5)
    assert alice.id in reactors(emu, cancelled, "✅")

    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, allow=int(Permission.MANAGE_MESSAGES), target_type=1)
    await asyncio.sleep(0.2)  # the channel update reaches the bot
    await emu.add_reaction(server.channel.id, cancelled.id, "✅", bob.id)
    await emu.wait_for(lambda: bob.id not in reactors(emu, cancelled, "✅"), what="the reaction to be removed")
    _, ended = await create_meetup(emu, server, title="Lab tour")
    await move_meetup(bot_running, meetup_id_of(ended), starts_in=-timedelta(hours=3))
    await emu.add_reaction(server.channel.id, ended.id, "🤔", carol.id)
    await emu.wait_for(lambda: carol.id not in reactors(emu, ended, "🤔"), what="the reaction to be removed")
    assert await stored_rsvps(bot_running, meetup_id_of(cancelled)) == []
    assert await stored_rsvps(bot_running, meetup_id_of(ended)) == []
    # A meetup still ahead keeps its reactions: they are answers.
    _, open_one = await create_meetup(emu, server, title="Dinner")
    await emu.add_reaction(server.channel.id, open_one.id, "✅", carol.id)
    await poll_until(lambda: stored_rsvps(bot_running, meetup_id_of(open_one)), what="the answer")
    assert carol.id in reactors(emu, open_one, "✅")


async def test_history_and_mine_say_how_each_meetup_stands(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    member, other = server.members[:2]
    made = {}
    for title, days in (("Ahead", 9), ("Cancelled", 8), ("Came", 7), ("Stayed away", 6), ("Under way", 5)):
        _, made[title] = await create_meetup(emu, server, title=title, when=future(days))
        await click(emu, server, made[title], "Maybe" if title == "Cancelled" else "Going", member)
    ids = {title: meetup_id_of(message) for title, message in made.items()}
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=ids["Cancelled"])
    await move_meetup(bot_running, ids["Came"], starts_in=-timedelta(hours=3))
    assert (await click(emu, server, emu.message(made["Came"].id), "I'm here", member)).content == (
        "You're checked in. Enjoy the meetup!"
    )
    await move_meetup(bot_running, ids["Stayed away"], starts_in=-timedelta(hours=3))
    await click(emu, server, emu.message(made["Stayed away"].id), "I'm here", other)
    await move_meetup(bot_running, ids["Stayed away"], starts_in=-timedelta(hours=6))  # check-in closed
    await move_meetup(bot_running, ids["Under way"], starts_in=-timedelta(minutes=15))

    history = (await run_command(emu, server, member, "meetup history")).content or ""
    assert history.startswith(f"Meetups of <@{member.id}> in this server (5, attended 1):"), history
    said = {title: next(line for line in history.splitlines() if f"#{ids[title]} **{title}**" in line) for title in ids}
    assert "Going, upcoming" in said["Ahead"]
    assert "Maybe, ❌ cancelled" in said["Cancelled"]
    assert "Going, 📍 attended" in said["Came"]
    assert "Going, did not attend" in said["Stayed away"]
    assert "Going, not marked yet" in said["Under way"]

    mine = (await run_command(emu, server, member, "meetup mine")).content or ""
    lines = mine.splitlines()
    assert lines[0] == "**Your upcoming meetups**" and len(lines) == 4, mine
    assert f"#{ids['Under way']} **Under way**" in lines[1] and "you're going · under way, not marked yet" in lines[1]
    assert f"#{ids['Cancelled']} **Cancelled**" in lines[2] and "you answered Maybe · **cancelled**" in lines[2]
    assert f"#{ids['Ahead']} **Ahead**" in lines[3] and "you're going ·" in lines[3] and "cancelled" not in lines[3]


async def test_check_in_closes_two_hours_after_the_end_and_the_meetup_is_finished_also_after_a_restart(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    meetup_id = meetup_id_of(message)
    await move_meetup(bot_running, meetup_id, starts_in=-timedelta(hours=3))
    assert (await stored_meetup(bot_running, meetup_id)).status == MeetupStatus.SCHEDULED  # over, not closed
    closed = await move_meetup(bot_running, meetup_id, starts_in=-timedelta(hours=4, minutes=1))
    assert (closed.status, closed.shown_phase) == (MeetupStatus.FINISHED, "closed")
    shown = emu.message(message.id)
    assert enabled(shown)["I'm here"] is False and "This meetup is over" in shown.embeds[0]["description"]
    late = await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id)
    assert late.content == f"Meetup #{meetup_id} is already over, so it can't be cancelled."

    # A meetup whose close passed while the bot was down is finished at its next start; so is one
    # from before meetups were finished, whose message was drawn closed then and is left as it is.
    _, second = await create_meetup(emu, server, title="Hanok walk")
    second_id = meetup_id_of(second)
    edits = len(emu.message(message.id).edit_times)
    await bot_running.stop()
    async with stopped_bot_database(bot_running) as session:
        meetup = await session.get(Meetup, second_id)
        assert meetup is not None
        start = meetup.starts_at - timedelta(days=30)
        meetup.starts_at, meetup.ends_at = start, start + (meetup.ends_at - meetup.starts_at)
        await session.execute(update(Meetup).where(Meetup.id == meetup_id).values(status=MeetupStatus.SCHEDULED))
    await bot_running.start()
    await poll_until(
        lambda: emu.message(second.id).components and enabled(emu.message(second.id)).get("I'm here") is False,
        what="the second meetup drawn closed",
    )
    finished = await stored_meetup(bot_running, second_id)
    assert (finished.status, finished.shown_phase) == (MeetupStatus.FINISHED, "closed")
    assert (await stored_meetup(bot_running, meetup_id)).status == MeetupStatus.FINISHED
    assert len(emu.message(message.id).edit_times) == edits
