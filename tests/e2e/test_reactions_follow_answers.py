"""A member's reaction on a meetup message follows their answer: changed by a button (or another
reaction), the old reaction is taken back where the bot may manage messages, and left alone,
untried, where it may not."""

from __future__ import annotations

import asyncio

from bot.db.models import RsvpStatus
from tests.e2e.harness import BotRunner, Server, poll_until
from tests.e2e.meetup_steps import click, create_meetup, meetup_id_of, stored_rsvps, wait_for_field
from tests.emulator import DiscordEmulator, MessageRecord, Permission

REMOVE_USER_REACTION = "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/{user_id}"


def reactors(emu: DiscordEmulator, message: MessageRecord, emoji: str) -> list[int]:
    reaction = emu.message(message.id).reactions.get(emoji)
    return [] if reaction is None else list(reaction.user_ids)


async def answers(runner: BotRunner, message: MessageRecord) -> dict[int, RsvpStatus]:
    return {r.user_id: r.status for r in await stored_rsvps(runner, meetup_id_of(message))}


async def has_answer(runner: BotRunner, message: MessageRecord, user_id: int, status: RsvpStatus | None) -> bool:
    return (await answers(runner, message)).get(user_id) == status


async def test_a_changed_answer_takes_back_the_reaction_left_for_the_old_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, allow=int(Permission.MANAGE_MESSAGES), target_type=1)
    _, message = await create_meetup(emu, server)
    alice, bob, carol, dana = server.members[:4]
    # A reaction, then a button: the reaction goes, the list shows the button's answer.
    await emu.add_reaction(server.channel.id, message.id, "✅", alice.id)
    await wait_for_field(emu, message, "Going (1)", lambda n, v: f"<@{alice.id}>" in v)
    assert (await click(emu, server, message, "Maybe", alice)).content == "You answered Maybe."
    await emu.wait_for(lambda: alice.id not in reactors(emu, message, "✅"), what="alice's ✅ to be taken back")
    # A reaction, then another reaction: the first goes.
    await emu.add_reaction(server.channel.id, message.id, "🤔", bob.id)
    await poll_until(lambda: has_answer(bot_running, message, bob.id, RsvpStatus.MAYBE), what="bob's answer")
    await emu.add_reaction(server.channel.id, message.id, "❌", bob.id)
    await emu.wait_for(lambda: bob.id not in reactors(emu, message, "🤔"), what="bob's 🤔 to be taken back")
    assert bob.id in reactors(emu, message, "❌")
    # A reaction for the answer given by button stands for it: withdrawn by button, it goes too.
    await click(emu, server, message, "Going", carol)
    await emu.add_reaction(server.channel.id, message.id, "✅", carol.id)
    await asyncio.sleep(2.1)  # past the double-click window
    assert (await click(emu, server, message, "Going", carol)).content == "You're no longer on the list."
    await emu.wait_for(lambda: carol.id not in reactors(emu, message, "✅"), what="carol's ✅ to be taken back")
    # Removing one's own reaction withdraws the answer; there is nothing to take back.
    await emu.add_reaction(server.channel.id, message.id, "✅", dana.id)
    await poll_until(lambda: has_answer(bot_running, message, dana.id, RsvpStatus.GOING), what="dana's answer")
    await emu.remove_reaction(server.channel.id, message.id, "✅", dana.id)
    await poll_until(lambda: has_answer(bot_running, message, dana.id, None), what="dana's withdrawal")

    await wait_for_field(emu, message, "Going (0)", lambda n, v: True)
    assert await answers(bot_running, message) == {alice.id: RsvpStatus.MAYBE, bob.id: RsvpStatus.DECLINED}
    taken_back = {int(c.path.rsplit("/", 1)[1]) for c in emu.calls_to(REMOVE_USER_REACTION)}
    assert taken_back == {alice.id, bob.id, carol.id}
    # The reactions on the message agree with the list.
    assert (reactors(emu, message, "✅"), reactors(emu, message, "🤔")) == ([emu.bot_user_id], [emu.bot_user_id])
    assert sorted(reactors(emu, message, "❌")) == sorted([emu.bot_user_id, bob.id])


async def test_without_manage_messages_the_old_reaction_stays_and_nothing_is_tried(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server)
    alice = server.members[0]
    await emu.add_reaction(server.channel.id, message.id, "✅", alice.id)
    await wait_for_field(emu, message, "Going (1)", lambda n, v: f"<@{alice.id}>" in v)
    await click(emu, server, message, "Can't go", alice)
    await wait_for_field(emu, message, "Can't go (1)", lambda n, v: f"<@{alice.id}>" in v)
    await asyncio.sleep(0.5)
    assert alice.id in reactors(emu, message, "✅")
    assert emu.calls_to(REMOVE_USER_REACTION) == []
    assert await answers(bot_running, message) == {alice.id: RsvpStatus.DECLINED}
