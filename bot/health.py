"""The optional HTTP endpoint: /healthz for orchestrators, /metrics for Prometheus."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0


async def health_of(bot: MeetupBot) -> dict[str, bool]:
    """Connected to the gateway (every shard this process runs) and to the database."""
    shards = bot.shards.values()
    gateway = bot.is_ready() and not bot.is_closed() and bool(shards) and all(not s.is_closed() for s in shards)
    try:
        await asyncio.wait_for(bot.db.ping(), timeout=DATABASE_TIMEOUT)
        database = True
    except Exception as exc:  # any failure to answer is "not healthy", whatever its kind
        log.warning("Health check: the database did not answer: %s", exc)
        database = False
    return {"gateway": gateway, "database": database}


class HealthServer:
    def __init__(self, bot: MeetupBot, *, host: str, port: int) -> None:
        self.bot = bot
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("Health and metrics on http://%s:%s/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        checks = await health_of(self.bot)
        healthy = all(checks.values())
        body = json.dumps({"status": "ok" if healthy else "unavailable", **checks})
        return web.Response(status=200 if healthy else 503, text=body, content_type="application/json")

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
