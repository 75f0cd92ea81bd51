"""What finalize tells: the voters of the chosen time once, nobody when nobody voted for it, and the
organizer only what happened (a notice Discord refused is said to be refused)."""

from __future__ import annotations

from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import public_messages
from tests.e2e.test_polls import make_poll, vote
from tests.emulator import DiscordEmulator

POST = ("POST", "/channels/{channel_id}/messages")


async def test_a_poll_nobody_voted_on_becomes_a_meetup_without_a_notice(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server)
    before = len(public_messages(emu, server.channel.id))
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    assert ix.content is not None
    assert ix.content.endswith(
        "\nNobody had voted for that time, so no answers were carried over and nobody was pinged."
    )
    assert bot_running.bot is not None
    await bot_running.bot.runtime.meetup_messages.flush()
    posted = public_messages(emu, server.channel.id)[before:]
    assert len(posted) == 1 and "Meetup #" in str(posted[0].embeds)  # the meetup message, and nothing else
    assert all(not m.pinged_user_ids for m in public_messages(emu, server.channel.id))


async def test_the_voters_hear_once_and_a_refused_notice_is_said_to_be_refused(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    voters = server.members[:3]
    told = await make_poll(emu, server, title="Dinner")
    for member in voters:
        await vote(emu, server, member, "Works for me", [1])
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=told)
    assert ix.content is not None and ix.content.endswith(
        "\n3 voters of that time were told and carried over as answers."
    )
    [notice] = [m for m in public_messages(emu, server.channel.id) if m.pinged_user_ids]
    assert sorted(notice.pinged_user_ids) == sorted(m.id for m in voters)

    refused = await make_poll(emu, server, title="Lunch")
    await vote(emu, server, voters[0], "If need be", [2])
    emu.inject_fault(*POST, status=403, skip=1, channel_id=server.channel.id)  # the meetup posts; its notice does not
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=refused)
    assert ix.content is not None
    assert ix.content.endswith(
        "\n1 voter of that time was carried over as answers but could not be told. "
        "Discord refused the notice in the channel; check that I may post there."
    )
