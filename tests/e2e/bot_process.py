"""The real bot as a separate process (`python -m bot`), for tests that kill it or run several."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.emulator import DiscordEmulator

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, emu: DiscordEmulator, database_url: str, workdir: Path, **env: str) -> None:
        self.emu = emu
        self.database_url = database_url
        self.workdir = workdir
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.log = workdir / "bot.log"

    async def start(self) -> BotProcess:
        """Start the bot and wait until it has identified on the gateway and its commands exist."""
        identified = self.emu.gateway.identify_count
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_", "MEETUP_BOT_"))},
            "DISCORD_TOKEN": self.emu.bot_token,
            "DISCORD_API_BASE": self.emu.api_base,
            "DISCORD_GATEWAY_URL": self.emu.gateway_url,
            "DATABASE_URL": self.database_url,
            "DATA_DIR": str(self.workdir),
            "MEETUP_BOT_CONFIG": str(self.workdir / "none.toml"),
            "MEETUP_BOT_ENV_FILE": os.devnull,  # nor the developer's own .env
            "PYTHONPATH": str(ROOT),
            **self.env,
        }
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.workdir, env=env, stdout=log, stderr=log
            )
        await self.emu.wait_for(
            lambda: self.emu.gateway.identify_count > identified or self._exited(),
            timeout=30,
            what="the bot process to connect",
        )
        if self._exited():
            raise RuntimeError(f"the bot exited at start:\n{self.output()}")
        await self.emu.wait_for(lambda: bool(self.emu.commands), timeout=15, what="the commands to be synced")
        return self

    def _exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout=20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
