"""The bot as operators run it: JSON log lines when asked, and Ctrl-C (SIGINT) stops it cleanly."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.e2e.bot_process import BotProcess
from tests.e2e.harness import build_server
from tests.e2e.meetup_steps import click, create_meetup, meetup_id_of
from tests.e2e.test_shutdown import stored
from tests.emulator import DiscordEmulator

pytestmark = pytest.mark.slow


async def test_sigint_stops_the_bot_cleanly_and_json_logs_are_one_object_per_line(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    server = build_server(emu)
    bot = await BotProcess(emu, database_url, tmp_path, LOG_FORMAT="json").start()
    try:
        _, message = await create_meetup(emu, server, capacity=5)
        await click(emu, server, message, "Going", server.member)
        assert bot.process is not None
        bot.process.send_signal(signal.SIGINT)
        assert await bot.process.wait() == 0, bot.output()
    finally:
        await bot.stop()

    rsvps, _ = await stored(database_url, meetup_id_of(message))
    assert list(rsvps) == [server.member.id]

    lines = bot.log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line a JSON object, none plain text
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    messages = [entry["message"] for entry in entries]
    assert "Received SIGINT; shutting down" in messages
    assert "Shutting down: finishing the work in progress" in messages
    # A clean start and stop worry nobody: not even discord.py's warnings about voice libraries.
    assert [e for e in entries if e["level"] != "INFO"] == []
    assert emu.bot_token not in bot.log.read_text()
