"""The member pickers under `/meetup attendance`: they work after a restart, stay usable (marks add
up), and check the organizer on every use."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Attendance
from tests.e2e.followup_steps import ended_meetup
from tests.e2e.harness import BotRunner, Server, run_command
from tests.emulator import DiscordEmulator, MessageRecord, User


async def prompt(emu: DiscordEmulator, server: Server, meetup_id: int) -> MessageRecord:
    asked = await run_command(emu, server, server.organizer, "meetup attendance", meetup=meetup_id)
    message = asked.last_message
    assert message is not None and message.components, asked.content
    return message


async def pick(
    emu: DiscordEmulator, server: Server, message: MessageRecord, mark: str, users: list[User], *, by: User
) -> str:
    shown = emu.message(message.id)
    [picker] = [c for row in shown.components for c in row["components"] if str(c["custom_id"]).endswith(mark)]
    ix = await emu.select(server.channel.id, message.id, str(picker["custom_id"]), [u.id for u in users], by.id)
    await ix.wait_final(timeout=10)
    assert ix.ephemeral
    return ix.content or ""


async def marks(runner: BotRunner, meetup_id: int) -> dict[int, bool]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        rows = await session.scalars(select(Attendance).where(Attendance.meetup_id == meetup_id))
        return {row.user_id: row.present for row in rows}


async def test_the_pickers_work_after_a_restart_and_marks_add_up(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    a, b, c = server.members[:3]
    meetup_id = await ended_meetup(emu, server, bot_running, [a, b])
    asked = await prompt(emu, server, meetup_id)
    assert asked.content.startswith(f"Attendance of meetup #{meetup_id} **Lab tour** (0 attended so far).")
    ids = [str(comp["custom_id"]) for row in asked.components for comp in row["components"]]
    assert ids == [f"meetup:attend:{meetup_id}:present", f"meetup:attend:{meetup_id}:absent"]

    await bot_running.restart()
    assert await pick(emu, server, asked, "present", [a, b, c], by=server.organizer) == (
        f"Marked 3 members present at meetup #{meetup_id}. 3 attended in all."
    )
    assert await pick(emu, server, asked, "absent", [c], by=server.organizer) == (
        f"Marked 1 member absent at meetup #{meetup_id}. 2 attended in all."
    )
    assert await marks(bot_running, meetup_id) == {a.id: True, b.id: True, c.id: False}


async def test_a_member_who_is_no_longer_an_organizer_is_refused_by_the_picker(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    a = server.members[0]
    meetup_id = await ended_meetup(emu, server, bot_running, [a])
    asked = await prompt(emu, server, meetup_id)
    emu.set_member_roles(server.guild.id, server.organizer.id, [])
    refused = await pick(emu, server, asked, "present", [a], by=server.organizer)
    assert refused.startswith("Only organizers can do that"), refused
    assert await marks(bot_running, meetup_id) == {}
