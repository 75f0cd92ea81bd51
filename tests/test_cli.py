"""`python -m bot` as a person runs it: help, a missing or wrong token, logs, and SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import build_server
from tests.emulator import DiscordEmulator

REPO = Path(__file__).resolve().parents[1]


def bot_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """A clean environment: none of the developer's own settings leak into the run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_"))}
    env.update({"MEETUP_BOT_CONFIG": str(tmp_path / "absent.toml"), "PYTHONPATH": str(REPO), "DATA_DIR": str(tmp_path)})
    env["MEETUP_BOT_ENV_FILE"] = str(tmp_path / "absent.env")  # nor the developer's own .env
    env.update(values)
    return env


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=bot_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_explains_itself(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "--help")
    assert result.returncode == 0
    assert "meetup-bot" in result.stdout and "--sync" in result.stdout and "--migrate" in result.stdout


def test_without_a_token_it_says_where_to_put_it_in_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0] and ".env" in lines[0] and "discord.com/developers/applications" in lines[0]


def test_migrate_only_creates_the_database(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "--migrate")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "meetup-bot.sqlite3").exists()
    said = [line.split(": ", 1)[1] for line in result.stderr.strip().splitlines()]
    assert said[0].startswith("Database migrated from empty to ")  # and no narration of each step
    assert said[1:] == [f"Database schema at revision {said[0].rsplit(' ', 1)[1]}"]


def test_an_invalid_setting_is_named(tmp_path: Path) -> None:
    result = run_bot(tmp_path, DISCORD_TOKEN="x", DEFAULT_TIMEZONE="Mars/Base")
    assert result.returncode == 2
    assert "default_timezone" in result.stderr and "Mars/Base" in result.stderr


@pytest.fixture
async def emu() -> DiscordEmulator:
    emulator = DiscordEmulator()
    await emulator.start()
    yield emulator  # type: ignore[misc]
    await emulator.stop()


async def test_a_wrong_token_is_refused_without_being_printed(tmp_path: Path, emu: DiscordEmulator) -> None:
    wrong = "MTIzNDU2Nzg5.wrong.token-that-must-not-be-logged"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=bot_env(
            tmp_path,
            DISCORD_TOKEN=wrong,
            DISCORD_API_BASE=emu.api_base,
            DISCORD_GATEWAY_URL=emu.gateway_url,
            LOG_LEVEL="DEBUG",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    output = stdout.decode() + stderr.decode()
    assert process.returncode == 1
    assert "Discord refused the token" in output
    assert wrong not in output


@pytest.mark.slow
async def test_the_token_never_reaches_the_logs_and_sigterm_stops_cleanly(
    tmp_path: Path, emu: DiscordEmulator, database_url: str
) -> None:
    server = build_server(emu)
    log = tmp_path / "bot.log"
    with log.open("wb") as sink:  # a file, not a pipe: a DEBUG log would fill a pipe nobody reads yet
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=bot_env(
                tmp_path,
                DISCORD_TOKEN=emu.bot_token,
                DISCORD_API_BASE=emu.api_base,
                DISCORD_GATEWAY_URL=emu.gateway_url,
                DATABASE_URL=database_url,
                LOG_LEVEL="DEBUG",
            ),
            stdout=sink,
            stderr=sink,
        )
    try:
        await emu.wait_for_sessions(1, timeout=30)
        await emu.wait_for(emu.commands, timeout=10, what="the commands to be synced")
        ok = await emu.slash_command(
            server.guild.id, server.channel.id, server.organizer.id, "settings timezone", zone="Asia/Seoul"
        )
        await ok.wait_final(timeout=10)
        assert ok.content == "Times typed in this server are now read in `Asia/Seoul`."
        failing = await emu.slash_command(
            server.guild.id, server.channel.id, server.member.id, "settings timezone", zone="Asia/Seoul"
        )
        await failing.wait_final(timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    output = log.read_text(errors="replace")
    assert process.returncode == 0, output[-2000:]
    assert "Database schema at revision" in output and "Received SIGTERM; shutting down" in output
    assert emu.bot_token not in output
    assert emu.bot_token.split(".")[0] not in output.replace(str(emu.bot_user_id), "")


@pytest.mark.parametrize(
    ("in_root", "in_cwd", "used"), [(True, False, "root"), (False, True, "cwd"), (True, True, "cwd")]
)
def test_dotenv_is_read_from_the_folder_started_in_and_the_project_root(
    tmp_path: Path, in_root: bool, in_cwd: bool, used: str
) -> None:
    project, started_in = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    started_in.mkdir()
    for package in ("bot", "cogs"):  # a checkout of the project at another place
        (project / package).symlink_to(REPO / package)
    if in_root:
        (project / ".env").write_text(f"DATA_DIR={tmp_path / 'root'}\n")
    if in_cwd:
        (started_in / ".env").write_text(f"DATA_DIR={tmp_path / 'cwd'}\n")
    env = bot_env(tmp_path, PYTHONPATH=str(project))
    del env["DATA_DIR"], env["MEETUP_BOT_ENV_FILE"]

    result = subprocess.run(
        [sys.executable, "-m", "bot", "--migrate"],
        cwd=started_in,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.glob("*/meetup-bot.sqlite3")] == ["meetup-bot.sqlite3"]
    assert (tmp_path / used / "meetup-bot.sqlite3").exists()
