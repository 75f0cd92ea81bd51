"""A meetup whose message someone deleted: the organizer is told once, its reminders are still
posted (without the dead link), and /meetup repost posts the message again with its answers, in
its channel or, when that was deleted too, in another."""

from __future__ import annotations

from bot.db.models import ReminderKind, ReminderState
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import (
    click,
    create_meetup,
    custom_id,
    fields_of,
    meetup_id_of,
    public_messages,
    stored_meetup,
)
from tests.e2e.reminder_steps import starts_in, wait_for_state
from tests.emulator import DiscordEmulator, MessageRecord, Permission

WAIT = 60.0  # the CI machine is slow: conditions are waited for, never timed


async def deleted_by_a_moderator(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, message: MessageRecord
) -> int:
    meetup_id = meetup_id_of(message)
    emu.delete_message(server.channel.id, message.id)

    async def marked() -> bool:
        return (await stored_meetup(bot_running, meetup_id)).message_missing

    await poll_until(marked, what="the deleted message to be noticed", timeout=WAIT)
    return meetup_id


def told(emu: DiscordEmulator, user_id: int, meetup_id: int) -> list[MessageRecord]:
    return [m for m in emu.dm_messages(user_id) if f"meetup #{meetup_id} " in m.content]


async def test_a_deleted_meetup_message_is_told_once_its_reminder_still_goes_and_repost_brings_it_back(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Karaoke night", when=starts_in(40), reminders="none")
    alice, bob = server.members[:2]
    await click(emu, server, message, "Going", alice)
    await click(emu, server, message, "Maybe", bob)
    meetup_id = await deleted_by_a_moderator(emu, server, bot_running, message)
    await poll_until(lambda: bool(told(emu, server.organizer.id, meetup_id)), what="the organizer's DM", timeout=WAIT)
    [dm] = told(emu, server.organizer.id, meetup_id)
    assert f"/meetup repost meetup:{meetup_id}" in dm.content
    # A failed edit finds it gone again: the organizer is not told twice.
    await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, where="Room 2")
    assert len(told(emu, server.organizer.id, meetup_id)) == 1

    reposted = await run_command(emu, server, server.organizer, "meetup repost", meetup=meetup_id)
    assert reposted.ephemeral and (reposted.content or "").startswith(
        f"Meetup #{meetup_id} (**Karaoke night**) is posted"
    )
    stored = await stored_meetup(bot_running, meetup_id)
    assert not stored.message_missing and stored.message_id not in (None, message.id)
    [again] = [m for m in public_messages(emu, server.channel.id) if m.id == stored.message_id]
    fields = fields_of(again)
    assert fields["Going (1)"] == f"<@{alice.id}>" and fields["Maybe (1)"] == f"<@{bob.id}>"
    assert again.notified is None or not (again.notified.user_ids or again.notified.role_ids)
    await poll_until(lambda: len(emu.message(again.id).reactions) == 3, what="the answer reactions", timeout=WAIT)
    assert (await click(emu, server, again, "Going", server.members[2])).content == "You're going: seat 2."
    if stored.scheduled_event_id is not None:
        assert str(again.id) in (emu.state.scheduled_events[stored.scheduled_event_id].description or "")
    # Once there, it is not posted a second time.
    twice = await run_command(emu, server, server.organizer, "meetup repost", meetup=meetup_id)
    assert (twice.content or "").startswith(f"The message of meetup #{meetup_id} is still there")
    await wait_for_state(bot_running, meetup_id, ReminderKind.STARTING, ReminderState.SENT, timeout=WAIT)


async def test_the_reminder_of_a_meetup_whose_message_is_gone_is_posted_without_the_link(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Coffee", when=starts_in(15), reminders="none")
    await click(emu, server, message, "Going", server.member)
    meetup_id = await deleted_by_a_moderator(emu, server, bot_running, message)
    await wait_for_state(bot_running, meetup_id, ReminderKind.STARTING, ReminderState.SENT, timeout=WAIT)
    [post] = [m for m in public_messages(emu, server.channel.id) if m.embeds and "starting now" in str(m.embeds)]
    assert str(message.id) not in str(post.embeds)
    assert post.notified is not None and post.notified.user_ids == [server.member.id]


async def test_a_meetup_whose_channel_was_deleted_is_posted_again_in_another(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    side = emu.create_text_channel(server.guild.id, "side-room")
    _, message = await create_meetup(emu, server, title="Board games", channel=str(side.id))
    meetup_id = meetup_id_of(message)
    going = await emu.click_button(side.id, message.id, custom_id(message, "Going"), server.member.id)
    await going.wait_final(timeout=10)
    emu.delete_channel(side.id)
    await poll_until(lambda: bool(told(emu, server.organizer.id, meetup_id)), what="the organizer's DM", timeout=WAIT)
    assert "channel:" in told(emu, server.organizer.id, meetup_id)[0].content
    refused = await run_command(emu, server, server.organizer, "meetup repost", meetup=meetup_id)
    assert "no longer exists" in (refused.content or ""), refused.content
    assert (await stored_meetup(bot_running, meetup_id)).channel_id == side.id  # nothing changed
    moved = await run_command(
        emu, server, server.organizer, "meetup repost", meetup=meetup_id, channel=server.channel.id
    )
    assert f"posted again in <#{server.channel.id}>" in (moved.content or ""), moved.content
    stored = await stored_meetup(bot_running, meetup_id)
    assert stored.channel_id == server.channel.id and not stored.message_missing
    [again] = [m for m in public_messages(emu, server.channel.id) if m.id == stored.message_id]
    assert fields_of(again)["Going (1)"] == f"<@{server.member.id}>"


async def test_repost_is_refused_for_members_cancelled_meetups_and_where_discord_refuses(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Picnic")
    meetup_id = await deleted_by_a_moderator(emu, server, bot_running, message)
    member = await run_command(emu, server, server.member, "meetup repost", meetup=meetup_id)
    assert (member.content or "").startswith("Only organizers can do that")
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES))
    refused = await run_command(emu, server, server.organizer, "meetup repost", meetup=meetup_id)
    assert "nothing was changed" in (refused.content or ""), refused.content
    assert (await stored_meetup(bot_running, meetup_id)).message_missing
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id)
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id)
    cancelled = await run_command(emu, server, server.organizer, "meetup repost", meetup=meetup_id)
    assert cancelled.content == f"Meetup #{meetup_id} was cancelled, so its message is not posted again."


async def test_a_message_deleted_while_the_bot_was_away_is_found_gone_by_the_repost_of_an_organizer(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, title="Ramen")
    meetup_id = meetup_id_of(message)
    emu.message(message.id).deleted = True  # no delete event reached the bot
    member = await run_command(emu, server, server.member, "meetup repost", meetup=meetup_id)
    assert (member.content or "").startswith("Only organizers can do that")
    assert not (await stored_meetup(bot_running, meetup_id)).message_missing  # a refusal changes nothing
    reposted = await run_command(emu, server, server.organizer, "meetup repost", meetup=meetup_id)
    assert f"Meetup #{meetup_id} (**Ramen**) is posted again" in (reposted.content or ""), reposted.content
    assert (await stored_meetup(bot_running, meetup_id)).message_id != message.id
