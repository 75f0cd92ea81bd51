"""Steps the follow-up and attendance tests share: a meetup that is over, as the clock would leave it."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import BotRunner, Server
from tests.e2e.meetup_steps import click, create_meetup, meetup_id_of, move_meetup
from tests.emulator import DiscordEmulator, User


async def ended_meetup(emu: DiscordEmulator, server: Server, runner: BotRunner, answering: list[User]) -> int:
    """A meetup the members answered Going to, and that ended half an hour ago: nobody came."""
    _, message = await create_meetup(emu, server, title="Lab tour")
    for member in answering:
        await click(emu, server, message, "Going", member)
    meetup_id = meetup_id_of(message)
    await move_meetup(runner, meetup_id, starts_in=-timedelta(hours=2, minutes=30))
    return meetup_id
