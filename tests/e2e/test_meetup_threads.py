"""Meetup threads through Discord: opened on the meetup message and named after it, Going members
added as they join (by click, by a promotion from the waitlist) and never pinged, a member who
withdraws staying and one who leaves not put back, reminders and the starting-now post in the
thread, archived at the close or a cancel, gone with an undo; without the permissions or in a
channel without threads the meetup is posted without one and the organizer told; a thread deleted
by hand sends reminders to the channel again; a restart in the middle of adding members finishes
the job."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import ReminderKind, ReminderState
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import (
    click,
    create_meetup,
    custom_id,
    meetup_id_of,
    move_meetup,
    public_messages,
    stored_meetup,
)
from tests.e2e.reminder_steps import REMINDER_FOOTER, footer_of, starts_in, wait_for_state
from tests.e2e.series_steps import end_open_occurrence, meetup_messages, the_series, wait_until_settled
from tests.e2e.test_polls import make_poll, vote
from tests.e2e.test_recurring_meetups import database_of, post_due
from tests.e2e.test_undo import press_undo
from tests.emulator import DEFAULT_BOT_PERMISSIONS, DiscordEmulator, MessageRecord, Permission
from tests.emulator.models import Channel, ChannelType

WAIT = 60.0  # the CI machine is slow: conditions are waited for, never timed


def thread_of(emu: DiscordEmulator, message: MessageRecord) -> Channel | None:
    thread = emu.state.channels.get(message.id)  # a thread started from a message shares its id
    return thread if thread is not None and thread.is_thread else None


def members_of(emu: DiscordEmulator, thread: Channel) -> set[int]:
    return set(thread.thread_member_ids) - {emu.bot_user_id}


async def wait_members(emu: DiscordEmulator, thread: Channel, expected: set[int], what: str) -> None:
    await poll_until(lambda: members_of(emu, thread) == expected, what=what, timeout=WAIT)


def posts_in(emu: DiscordEmulator, channel_id: int, kind: str) -> list[MessageRecord]:
    return [
        m
        for m in emu.channel_messages(channel_id)
        if (found := REMINDER_FOOTER.fullmatch(footer_of(m))) and found[2] == kind
    ]


async def test_going_members_join_the_thread_which_gets_the_starting_post_and_is_archived_at_the_close(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    title = "Korean ML researchers' dinner at ICCV 2019 — 서울 코엑스 근처 한식당에서 만나요 " * 3
    ix, message = await create_meetup(
        emu, server, title=title[:256].strip(), when=starts_in(20), capacity=1, reminders="none", thread="on"
    )
    thread = thread_of(emu, message)
    assert thread is not None, ix.content
    assert len(thread.name or "") <= 100 and (thread.name or "").startswith("Korean ML researchers")
    alice, bob, carol = server.members[:3]
    await click(emu, server, message, "Going", alice)
    await wait_members(emu, thread, {alice.id}, "alice to be added")
    await click(emu, server, message, "Going", bob)  # waitlisted: not in the thread yet
    await click(emu, server, message, "Maybe", carol)
    await click(emu, server, message, "Can't go", alice)  # withdraws; bob moves in
    await wait_members(emu, thread, {alice.id, bob.id}, "bob to be added when promoted, alice to stay")
    emu.world.leave_thread(thread.id, alice.id)
    await click(emu, server, message, "Going", alice)  # waitlisted: not put back
    await click(emu, server, message, "Maybe", bob)  # alice moves in, and is not put back either
    await poll_until(lambda: str(alice.id) in str(emu.message(message.id).embeds), what="the redraw", timeout=WAIT)
    assert all(m.notified is None or not m.notified.user_ids for m in emu.channel_messages(thread.id))

    await wait_for_state(bot_running, meetup_id_of(message), ReminderKind.STARTING, ReminderState.SENT, timeout=WAIT)
    starting = posts_in(emu, thread.id, "starting now")
    assert len(starting) == 1 and posts_in(emu, server.channel.id, "starting now") == []
    assert members_of(emu, thread) == {bob.id}  # alice left and was not put back

    await move_meetup(bot_running, meetup_id_of(message), starts_in=-timedelta(hours=6))  # closed
    await poll_until(lambda: thread.archived, what="the thread to be archived", timeout=WAIT)
    assert (await stored_meetup(bot_running, meetup_id_of(message))).thread_archived
    assert emu.sent_429 == 0


async def test_without_create_public_threads_the_meetup_is_posted_without_one_and_the_organizer_told(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, deny=int(Permission.CREATE_PUBLIC_THREADS))
    ix, message = await create_meetup(emu, server, title="Board games", thread="on")
    assert "without a thread" in (ix.content or "") and "Create Public Threads" in (ix.content or "")
    assert thread_of(emu, message) is None
    assert ((await click(emu, server, message, "Going", server.member)).content or "").startswith("You're going")


async def test_without_send_messages_in_threads_there_is_no_thread_either(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES_IN_THREADS))
    ix, message = await create_meetup(emu, server, title="Board games", thread="on")
    assert "Send Messages in Threads" in (ix.content or "")
    assert thread_of(emu, message) is None


async def test_a_voice_channel_has_no_threads_and_the_organizer_is_told(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    voice = emu.world.create_channel(server.guild.id, "Lounge", kind=ChannelType.GUILD_VOICE)
    ix, message = await create_meetup(emu, server, title="Listening party", channel=str(voice.id), thread="on")
    assert "cannot have threads" in (ix.content or "")
    assert thread_of(emu, message) is None


async def test_a_meetup_posted_in_a_thread_gets_no_thread_of_its_own(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    talk = await emu.send_message(server.channel.id, server.member.id, "Who's in for a meetup?")
    place = emu.world.start_thread(server.channel.id, talk.id, "Meetup ideas", by=server.member.id)
    ix, message = await create_meetup(emu, server, title="Ramen", channel=str(place.id), thread="on")
    assert message.channel_id == place.id
    assert "cannot have threads" in (ix.content or "")
    assert thread_of(emu, message) is None


async def test_a_thread_deleted_by_hand_sends_the_reminder_to_the_channel(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Coffee", when=starts_in(20), reminders="none", thread="on")
    thread = thread_of(emu, message)
    assert thread is not None
    await click(emu, server, message, "Going", server.member)
    await wait_members(emu, thread, {server.member.id}, "the member to be added")
    emu.delete_channel(thread.id)
    await wait_for_state(bot_running, meetup_id_of(message), ReminderKind.STARTING, ReminderState.SENT, timeout=WAIT)
    assert len(posts_in(emu, server.channel.id, "starting now")) == 1
    assert (await stored_meetup(bot_running, meetup_id_of(message))).thread_gone


async def test_a_restart_in_the_middle_of_adding_members_finishes_the_job(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    emu.configure_rate_limit("PUT /channels/{channel_id}/thread-members/{user_id}", limit=5, per=1.0)
    _, message = await create_meetup(emu, server, title="Hike", thread="on")
    thread = thread_of(emu, message)
    assert thread is not None
    members = [emu.create_member(server.guild.id, f"hiker{i}") for i in range(40)]
    going = custom_id(message, "Going")
    clicks = [await emu.click_button(server.channel.id, message.id, going, m.id) for m in members]
    for ix in clicks:
        await ix.wait_final(timeout=WAIT)
    await poll_until(lambda: len(members_of(emu, thread)) >= 5, what="a first few", timeout=WAIT)
    await bot_running.restart()
    await wait_members(emu, thread, {m.id for m in members}, "the rest after the restart")
    # The new process knows nothing of the window the old one used: its first add may meet one 429
    # (as on Discord), and then it follows the headers: no storm.
    assert emu.sent_429 <= 1


async def test_a_reminder_before_the_start_is_posted_in_the_thread_and_pings_only_the_going(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Tea", when=starts_in(75), reminders="1m", thread="on")
    thread = thread_of(emu, message)
    assert thread is not None
    await click(emu, server, message, "Going", server.member)
    await wait_members(emu, thread, {server.member.id}, "the member to be added")
    await wait_for_state(bot_running, meetup_id_of(message), ReminderKind.BEFORE, ReminderState.SENT, timeout=WAIT)
    [reminder] = posts_in(emu, thread.id, "reminder")
    assert reminder.notified is not None and reminder.notified.user_ids == [server.member.id]
    assert posts_in(emu, server.channel.id, "reminder") == []


async def test_the_server_default_opens_threads_and_thread_off_opts_out(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    shown = await run_command(emu, server, server.organizer, "settings threads")
    assert "no thread" in (shown.content or "")
    refused = await run_command(emu, server, server.member, "settings threads", default="on")
    assert "now get a thread" not in (refused.content or "")
    changed = await run_command(emu, server, server.organizer, "settings threads", default="on")
    assert "now get a thread" in (changed.content or "")
    shown_all = await run_command(emu, server, server.member, "settings show")
    assert "a thread with their Going members" in str(shown_all.embeds)
    _, threaded = await create_meetup(emu, server, title="Quiz night")
    assert thread_of(emu, threaded) is not None
    _, plain = await create_meetup(emu, server, title="Coffee", thread="off")
    assert thread_of(emu, plain) is None


async def test_with_the_server_default_a_finalized_poll_gets_a_thread_with_its_carried_over_voters(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    await run_command(emu, server, server.organizer, "settings threads", default="on")
    voters = server.members[:3]
    poll_id = await make_poll(emu, server, title="Dinner")
    for member in voters:
        await vote(emu, server, member, "Works for me", [1])
    await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    [message] = [m for m in public_messages(emu, server.channel.id) if "Meetup #" in str(m.embeds)]
    thread = thread_of(emu, message)
    assert thread is not None
    await wait_members(emu, thread, {m.id for m in voters}, "the voters carried over to be added")


async def test_a_cancelled_meetup_has_its_thread_archived(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Picnic", thread="on")
    thread = thread_of(emu, message)
    assert thread is not None
    await click(emu, server, message, "Going", server.member)
    await wait_members(emu, thread, {server.member.id}, "the member to be added")
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id_of(message))
    await poll_until(lambda: thread.archived, what="the thread to be archived", timeout=WAIT)
    assert (await stored_meetup(bot_running, meetup_id_of(message))).thread_archived


async def test_an_undone_meetup_takes_its_thread_with_it(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    bot_role = next(r for r in emu.state.guild(server.guild.id).roles.values() if r.bot_id == emu.bot_user_id)
    emu.set_role_permissions(server.guild.id, bot_role.id, DEFAULT_BOT_PERMISSIONS | Permission.MANAGE_THREADS)
    confirmation, message = await create_meetup(emu, server, title="Karaoke nihgt", thread="on")
    thread = thread_of(emu, message)
    assert thread is not None
    await press_undo(emu, server, confirmation, server.organizer.id)
    await poll_until(lambda: thread.deleted, what="the thread to be deleted", timeout=WAIT)


async def test_without_manage_threads_an_undone_meetups_thread_is_archived(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    confirmation, message = await create_meetup(emu, server, title="Karaoke nihgt", thread="on")
    thread = thread_of(emu, message)
    assert thread is not None
    await press_undo(emu, server, confirmation, server.organizer.id)
    await poll_until(lambda: thread.archived, what="the thread to be archived", timeout=WAIT)
    assert not thread.deleted


async def test_thread_on_carries_to_the_later_meetups_of_a_recurring_series(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, first = await create_meetup(emu, server, title="Coffee chat", repeat="weekly", thread="on")
    assert thread_of(emu, first) is not None
    database = database_of(bot_running)
    series = await the_series(database)
    assert series.thread is True
    await end_open_occurrence(database, series.id)
    await post_due(bot_running)
    await wait_until_settled(database, series.id, made=2)
    second = meetup_messages(emu, server)[1]
    await poll_until(lambda: thread_of(emu, second) is not None, what="the second meetup's thread", timeout=WAIT)
    thread = thread_of(emu, second)
    assert thread is not None and (thread.name or "").startswith("Coffee chat")
