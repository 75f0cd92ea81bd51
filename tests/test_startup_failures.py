"""A start that cannot succeed says why in one line on stderr, with no traceback, and exits non-zero:
Discord out of reach, an API base that is not Discord, a database the bot cannot use."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.emulator import DiscordEmulator
from tests.test_cli import bot_env, run_bot

pytestmark = pytest.mark.slow


def the_one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def closed_port() -> int:
    """A port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_bot_async(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=bot_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def test_discord_out_of_reach(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", DISCORD_API_BASE=base)
    assert result.returncode == 1
    line = the_one_line(result.stderr)
    assert f"Cannot reach Discord at {base}" in line and "DISCORD_API_BASE" in line
    assert "abc.def.ghi" not in result.stderr


@pytest.fixture
async def web_page() -> AsyncIterator[tuple[str, list[int]]]:
    """A web server that is not Discord: it answers every path with an HTML page, 404 unless told."""
    status = [404]

    async def page(request: web.Request) -> web.Response:
        return web.Response(status=status[0], text="<html><body>Not here</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/api/v10", status
    await runner.cleanup()


@pytest.mark.parametrize(
    ("status", "said"), [(404, "answered 404 Not Found"), (200, "did not answer with Discord's JSON")]
)
async def test_an_api_base_that_is_not_discord(
    tmp_path: Path, web_page: tuple[str, list[int]], status: int, said: str
) -> None:
    base, answer = web_page
    answer[0] = status
    returncode, stderr = await run_bot_async(tmp_path, DISCORD_TOKEN="abc.def.ghi", DISCORD_API_BASE=base)
    assert returncode == 1
    line = the_one_line(stderr)
    assert f"{base} does not look like Discord's API" in line and said in line and "DISCORD_API_BASE" in line


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("mysql://meetup:hunter2@db/meetup", "mysql"),
        ("postgresq://meetup:hunter2@db/meetup", "postgresq"),
        ("sqllite:///data/bot.db", "sqllite"),
        ("data/bot.sqlite3", "data/bot.sqlite3"),
    ],
)
def test_an_unsupported_database_url_is_named_without_its_password(tmp_path: Path, url: str, scheme: str) -> None:
    for args in ((), ("--migrate",)):
        result = run_bot(tmp_path, *args, DISCORD_TOKEN="abc.def.ghi", DATABASE_URL=url)
        assert result.returncode == 2
        line = the_one_line(result.stderr)
        assert "database_url" in line and f"unsupported database '{scheme}'" in line
        assert "sqlite:///" in line and "postgresql://" in line  # what would work
        assert "hunter2" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("DISCORD_API_BASE", "discord.com/api/v10"), ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg")],
)
def test_discord_urls_of_the_wrong_kind_are_refused(tmp_path: Path, name: str, value: str) -> None:
    result = run_bot(tmp_path, DISCORD_TOKEN="abc.def.ghi", **{name: value})
    assert result.returncode == 2
    assert name.lower() in the_one_line(result.stderr)


def test_a_database_server_out_of_reach_with_its_password_hidden(tmp_path: Path) -> None:
    url = f"postgresql://meetup:hunter2@127.0.0.1:{closed_port()}/meetup"
    result = run_bot(tmp_path, "--migrate", DATABASE_URL=url)
    assert result.returncode == 1
    line = the_one_line(result.stderr)
    assert "Cannot use the database postgresql+asyncpg://meetup:***@127.0.0.1" in line
    assert "hunter2" not in result.stderr


async def test_the_bot_logged_in_but_its_database_is_out_of_reach(tmp_path: Path) -> None:
    emu = DiscordEmulator()
    await emu.start()
    try:
        returncode, stderr = await run_bot_async(
            tmp_path,
            DISCORD_TOKEN=emu.bot_token,
            DISCORD_API_BASE=emu.api_base,
            DISCORD_GATEWAY_URL=emu.gateway_url,
            DATABASE_URL=f"postgresql://meetup:hunter2@127.0.0.1:{closed_port()}/meetup",
        )
    finally:
        await emu.stop()
    assert returncode == 1
    assert "Cannot use the database postgresql+asyncpg://meetup:***@" in the_one_line(stderr)
    assert "hunter2" not in stderr and emu.bot_token not in stderr


async def test_a_gateway_out_of_reach_or_not_a_websocket(tmp_path: Path, web_page: tuple[str, list[int]]) -> None:
    emu = DiscordEmulator()
    await emu.start()
    page = web_page[0].replace("http://", "ws://").removesuffix("/api/v10") + "/"
    try:
        for gateway, said in (
            (f"ws://127.0.0.1:{closed_port()}/", "Cannot reach Discord's gateway at ws://127.0.0.1:"),
            (page, f"{page} does not look like Discord's gateway (the websocket handshake answered 404)"),
        ):
            returncode, stderr = await run_bot_async(
                tmp_path,
                DISCORD_TOKEN=emu.bot_token,
                DISCORD_API_BASE=emu.api_base,
                DISCORD_GATEWAY_URL=gateway,
            )
            assert returncode == 1
            line = the_one_line(stderr)
            assert said in line and "DISCORD_GATEWAY_URL" in line
    finally:
        await emu.stop()
    assert emu.gateway.identify_count == 0


async def test_with_both_urls_wrong_the_api_base_is_named_first(
    tmp_path: Path, web_page: tuple[str, list[int]]
) -> None:
    base = web_page[0]
    gateway = base.replace("http://", "ws://").removesuffix("/api/v10") + "/"
    returncode, stderr = await run_bot_async(
        tmp_path, DISCORD_TOKEN="abc.def.ghi", DISCORD_API_BASE=base, DISCORD_GATEWAY_URL=gateway
    )
    assert returncode == 1
    assert f"{base} does not look like Discord's API" in the_one_line(stderr)
