"""`python -m tests.emulator.act` as a person at a terminal uses it against the real bot: a member
and an organizer do everything from the command line, and a mistake is one line."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yarl
from sqlalchemy import select

from bot.db.models import Attendance, PollVote, Rsvp
from tests.e2e.harness import BotRunner, Server
from tests.e2e.meetup_steps import future, move_meetup
from tests.e2e.test_polls import day
from tests.emulator import DiscordEmulator

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


class Terminal:
    """Runs `act` in its own process, as from a shell, against the test's emulator."""

    def __init__(self, emu: DiscordEmulator, server: Server) -> None:
        self.port = yarl.URL(emu.api_base).port
        self.channel = server.channel.name

    async def run(self, *words: str, expect_ok: bool = True) -> tuple[int, Any, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.emulator.act",
            "--port",
            str(self.port),
            "--channel",
            self.channel,
            *words,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode is not None
        if expect_ok:
            assert process.returncode == 0, stderr.decode()
        return process.returncode, json.loads(stdout) if stdout.strip() else None, stderr.decode()

    async def answer(self, *words: str) -> Any:
        return (await self.run(*words))[1]


@pytest.fixture
def terminal(emu: DiscordEmulator, server: Server) -> Terminal:
    return Terminal(emu, server)


def public(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if not m["ephemeral_user_id"]]


async def test_a_member_and_an_organizer_do_everything_from_the_terminal(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, terminal: Terminal, tmp_path: Path
) -> None:
    organizer, member = server.organizer.username, server.member.username
    too_small = await terminal.answer(
        "--as", organizer, "slash", "meetup create", "title=Tiny", f"when={future()}", "capacity=-3"
    )
    assert too_small["ephemeral"] and "capacity" in (too_small["content"] or "").lower()  # -3 reached the bot
    made = await terminal.answer(
        "--as", organizer, "slash", "meetup create", "title=Karaoke", f"when={future()}", "capacity=2"
    )
    assert made["ephemeral"], made
    meetup_message = public(await terminal.answer("messages"))[-1]
    assert "Karaoke" in json.dumps(meetup_message["embeds"])

    going = await terminal.answer("--as", member, "click", meetup_message["id"], "going")
    assert going["ephemeral"]
    await terminal.answer("--as", server.members[1].username, "react", meetup_message["id"], "🤔")
    choices = await terminal.answer("--as", organizer, "autocomplete", "meetup edit", "meetup", "Kara")
    assert any("Karaoke" in c["name"] for c in choices)

    calendar = await terminal.answer("--as", member, "click", meetup_message["id"], "Add to calendar")
    saved = await terminal.answer("download", calendar["original_message_id"], str(tmp_path / "files"))
    assert saved and (await asyncio.to_thread(Path(saved[0]).read_text)).startswith("BEGIN:VCALENDAR")

    # Attendance is marked from the moment check-in opens, half an hour before the start.
    await move_meetup(bot_running, int(_meetup_number(made)), starts_in=timedelta(minutes=10))
    marking = await terminal.answer("--as", organizer, "slash", "meetup attendance", f"meetup={_meetup_number(made)}")
    await terminal.answer("--as", organizer, "pick", marking["original_message_id"], "present", member)

    await terminal.answer(
        "--as", organizer, "slash", "meetup poll", "title=Lunch", f"options={day(5, 12)}; {day(6, 12)}; {day(7, 12)}"
    )
    poll_message = public(await terminal.answer("messages"))[-1]
    await terminal.answer("--as", member, "vote", poll_message["id"], "works", "1", "3")
    await terminal.answer("--as", member, "vote", poll_message["id"], "if-need-be", "2")

    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        answers = {(r.user_id, r.status.value) for r in await session.scalars(select(Rsvp))}
        came = [a.user_id for a in await session.scalars(select(Attendance))]
        votes = sorted((v.user_id, v.kind.value) for v in await session.scalars(select(PollVote)))
    assert (server.member.id, "going") in answers and (server.members[1].id, "maybe") in answers
    assert came == [server.member.id]
    assert votes == [(server.member.id, "if_need_be"), (server.member.id, "yes"), (server.member.id, "yes")]


def _meetup_number(answer: dict[str, Any]) -> str:
    content = answer["content"] or json.dumps(answer["embeds"])
    number = content.split("#", 1)[1].split()[0].strip("*:.,)")
    assert number.isdigit(), content
    return number


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (("--as", "nobody", "slash", "settings show"), "no member 'nobody'; members:"),
        (("--as", "minji", "slash", "meetup nothing"), "has no subcommand 'nothing'"),
        (("--as", "minji", "slash", "meetup create", "capacity=many"), "option 'capacity' takes an integer"),
        (("--as", "minji", "click", "123", "Going"), "no message 123"),
        (("--as", "minji", "vote", "123", "works", "1"), "no message 123"),
    ],
)
async def test_a_mistake_is_one_line(
    bot_running: BotRunner, terminal: Terminal, words: tuple[str, ...], said: str
) -> None:
    returncode, _, stderr = await terminal.run(*words, expect_ok=False)
    assert returncode == 1
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert said in stderr


async def test_without_an_emulator_it_says_so_in_one_line(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.emulator.act", "--port", "9", "messages", cwd=ROOT, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert (
        stderr.decode().strip()
        == "act: cannot reach the emulator at 127.0.0.1:9; is it running? (scripts/emulator --port 9)"
    )


async def test_the_listing_says_who_the_organizers_are() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.emulator",
        "--port",
        "0",
        "--seed",
        "demo",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("Act as a member"):
            lines.append((await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip())
    finally:
        process.terminate()
        await process.wait()
    members = {line.split()[1]: line for line in lines if line.startswith("member ")}
    assert "organizer (Manage Events through role Organizers)" in members["minji"]
    assert "organizer (server owner)" in members["server-owner"]
    assert not [name for name in ("alice", "bruno", "chen", "dana", "meetup-bot") if "organizer" in members[name]]
