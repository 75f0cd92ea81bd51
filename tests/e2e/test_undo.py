"""The `Undo` button on the organizer's private confirmation of a new meetup or poll."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import AuditLogEntry, Meetup, Poll, PollOption, Reminder, Rsvp
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import click, create_meetup, future, meetup_id_of, public_messages
from tests.emulator import DiscordEmulator, InteractionHandle

DELETE_MESSAGE = ("DELETE", "/channels/{channel_id}/messages/{message_id}")


def undo_button(ix: InteractionHandle) -> str:
    buttons = [c for row in ix.components for c in row.get("components", []) if c.get("label") == "Undo"]
    assert len(buttons) == 1, f"the confirmation has no Undo button: {ix.components}"
    return str(buttons[0]["custom_id"])


async def press_undo(
    emu: DiscordEmulator, server: Server, confirmation: InteractionHandle, user_id: int
) -> InteractionHandle:
    message = confirmation.last_message
    assert message is not None
    ix = await emu.click_button(server.channel.id, message.id, undo_button(confirmation), user_id)
    await ix.wait_final(timeout=10)
    return ix


async def count(runner: BotRunner, model: type) -> int:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return len((await session.scalars(select(model))).all())


async def test_undo_removes_a_new_meetup_and_everything_on_it_without_pinging(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    confirmation, message = await create_meetup(emu, server, title="Karaoke nihgt", reminders="24h,1h")
    assert confirmation.ephemeral
    await click(emu, server, message, "Going", server.member)
    assert await count(bot_running, Reminder) > 0
    posts_before = len(emu.channel_messages(server.channel.id))
    undone = await press_undo(emu, server, confirmation, server.organizer.id)
    meetup_id = meetup_id_of(message)
    assert confirmation.last_message is not None
    shown = emu.message(confirmation.last_message.id)
    assert shown.content == f"Meetup #{meetup_id} (**Karaoke nihgt**) is removed. Nobody was pinged."
    assert shown.components == []
    assert undone.rejected == []
    assert emu.channel_messages(server.channel.id, include_deleted=False)[-1].id != message.id
    assert message.id not in [m.id for m in public_messages(emu, server.channel.id)]
    assert len(emu.channel_messages(server.channel.id)) == posts_before - 1
    for model in (Meetup, Rsvp, Reminder):
        assert await count(bot_running, model) == 0, model
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        actions = (await session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id))).all()
    assert actions[-1] == "meetup.undo"


async def test_undo_removes_a_new_poll(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    confirmation = await run_command(
        emu, server, server.organizer, "meetup poll", title="Dinner", options=f"{future(10)}; {future(11)}"
    )
    polls = [m for m in public_messages(emu, server.channel.id) if m.embeds]
    assert len(polls) == 1
    await press_undo(emu, server, confirmation, server.organizer.id)
    assert confirmation.last_message is not None
    assert emu.message(confirmation.last_message.id).content.endswith("is removed. Nobody was pinged.")
    assert [m for m in public_messages(emu, server.channel.id) if m.embeds] == []
    assert await count(bot_running, Poll) == 0 and await count(bot_running, PollOption) == 0


async def test_undo_is_refused_after_ten_minutes(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    confirmation, message = await create_meetup(emu, server)
    assert bot_running.bot is not None
    async with bot_running.bot.db.transaction() as session:
        stored = await session.get(Meetup, meetup_id_of(message))
        assert stored is not None
        stored.created_at -= timedelta(minutes=11)
    late = await press_undo(emu, server, confirmation, server.organizer.id)
    assert late.content is not None and "more than 10 minutes ago" in late.content and "/meetup cancel" in late.content
    assert message.id in [m.id for m in public_messages(emu, server.channel.id)]
    assert await count(bot_running, Meetup) == 1


async def test_a_refused_removal_changes_nothing_and_says_so(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    confirmation, message = await create_meetup(emu, server)
    emu.inject_fault(*DELETE_MESSAGE, status=403)
    refused = await press_undo(emu, server, confirmation, server.organizer.id)
    assert refused.content is not None and refused.content.startswith("Discord refused to remove the meetup message")
    assert message.id in [m.id for m in public_messages(emu, server.channel.id)]
    assert await count(bot_running, Meetup) == 1
    again = await press_undo(emu, server, confirmation, server.organizer.id)
    assert again.rejected == []
    assert await count(bot_running, Meetup) == 0
